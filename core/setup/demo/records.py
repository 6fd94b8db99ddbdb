"""What demo applicants write into the declaration modules: education, qualification, work history,
achievements and a work summary, shaped by their series, specialty and level.

The data dicts use the field names a form would (school, degree, major, start, end; name,
obtained_on, certificate_no; ...) so the pages have something realistic to render.
"""
from __future__ import annotations

import datetime as dt
import random

SCHOOLS = {
    "health": ("黔中医科大学", "四川大学华西医学院", "重庆医科大学", "昆明医科大学", "中南大学湘雅医学院", "遵义医科大学"),
    "engineering": ("黔中大学", "重庆大学", "西南交通大学", "昆明理工大学", "中南大学", "黔中理工学院"),
    "education": ("黔中师范大学", "西南大学", "四川师范大学", "云南师范大学", "黔南民族师范学院"),
    "agriculture": ("黔中大学", "西南大学", "华中农业大学", "四川农业大学", "云南农业大学"),
    "economics": ("黔中财经大学", "西南财经大学", "重庆工商大学", "云南财经大学", "黔中大学"),
}
MAJORS = {
    "hea_internal": "临床医学", "hea_surgery": "临床医学", "hea_nursing": "护理学", "hea_pharmacy": "药学",
    "hea_pediatrics": "儿科学", "eng_civil": "土木工程", "eng_electrical": "电气工程及其自动化",
    "eng_mechanical": "机械设计制造及其自动化", "eng_software": "计算机科学与技术", "eng_mining": "采矿工程",
    "eng_water": "水利水电工程", "edu_chinese": "汉语言文学", "edu_math": "数学与应用数学", "edu_english": "英语",
    "edu_physics": "物理学", "agr_crops": "农学", "agr_plant_protection": "植物保护", "agr_soil": "农业资源与环境",
    "agr_husbandry": "动物医学", "eco_business": "工商管理", "eco_finance": "金融学", "eco_hr": "人力资源管理",
    "eco_transport": "交通运输",
}
TOPICS = {
    "hea_internal": ("老年慢性心力衰竭患者的综合管理", "2型糖尿病合并高血压的用药依从性", "社区获得性肺炎的早期识别"),
    "hea_surgery": ("腹腔镜胆囊切除术后并发症的防治", "老年髋部骨折围手术期管理", "加速康复外科在结直肠手术中的应用"),
    "hea_nursing": ("ICU患者压力性损伤的预防护理", "优质护理服务在产科病房的实践", "护理风险管理在急诊科的应用"),
    "hea_pharmacy": ("抗菌药物临床合理使用干预", "基层医院处方点评工作实践", "中药饮片质量控制方法"),
    "hea_pediatrics": ("儿童支气管哮喘规范化管理", "新生儿黄疸早期干预", "儿童营养性贫血的社区防治"),
    "eng_civil": ("山区高墩大跨桥梁施工控制", "喀斯特地区深基坑支护设计", "装配式混凝土结构节点性能"),
    "eng_electrical": ("配电网自动化改造方案", "山区小水电并网运行稳定性", "建筑电气节能设计"),
    "eng_mechanical": ("隧道掘进设备液压系统优化", "大型施工机械故障诊断", "数控加工工艺改进"),
    "eng_software": ("政务数据共享平台微服务架构", "基于大数据的交通流量预测系统", "医院信息系统安全加固"),
    "eng_mining": ("缓倾斜薄煤层综采工艺", "矿井瓦斯抽采效果评价", "煤矿顶板灾害监测预警"),
    "eng_water": ("中小型水库除险加固设计", "山区灌区节水改造工程", "岩溶地区水库防渗处理"),
    "edu_chinese": ("初中语文整本书阅读教学", "高中议论文写作思维训练", "古诗词情境教学策略"),
    "edu_math": ("高中数学核心素养导向的单元教学", "初中函数概念教学的难点突破", "数学分层作业设计"),
    "edu_english": ("初中英语读写结合教学", "高中英语词汇语境化教学", "英语课堂小组合作学习"),
    "edu_physics": ("高中物理实验探究教学", "初中物理概念建构教学", "物理学科项目式学习实践"),
    "agr_crops": ("高海拔地区马铃薯高产栽培", "茶园绿色防控与提质增效", "水稻机械化育插秧技术推广"),
    "agr_plant_protection": ("辣椒病毒病综合防控", "草地贪夜蛾监测与防治", "茶小绿叶蝉绿色防控技术"),
    "agr_soil": ("测土配方施肥技术推广", "酸化耕地土壤改良", "山地果园有机肥替代化肥"),
    "agr_husbandry": ("生猪非洲猪瘟防控体系建设", "肉牛高效养殖技术推广", "山区生态养鸡疫病防控"),
    "eco_business": ("国有企业全面预算管理实践", "中小企业数字化转型路径", "供应链协同管理优化"),
    "eco_finance": ("农村普惠金融服务创新", "县域信贷风险防控机制", "小微企业融资担保模式"),
    "eco_hr": ("国有企业薪酬激励体系改革", "人才引进与培养机制建设", "基层员工绩效考核优化"),
    "eco_transport": ("山区高速公路运营管理效益", "城乡客运一体化发展", "物流枢纽规划与运营"),
}
JOURNALS = ("中国实用医药", "临床医学研究与实践", "建筑技术开发", "工程建设与设计", "中学数学教学参考", "中国农业信息",
            "现代商业", "科技创新与应用", "黔中农业科学", "黔中医药")
TITLE_BELOW = {  # the title held before the one declared, by series and declared level
    "health": {"intermediate": "医师", "associate_senior": "主治医师", "full_senior": "副主任医师"},
    "engineering": {"intermediate": "助理工程师", "associate_senior": "工程师", "full_senior": "高级工程师"},
    "education": {"intermediate": "二级教师", "associate_senior": "一级教师", "full_senior": "高级教师"},
    "agriculture": {"intermediate": "助理农艺师", "associate_senior": "农艺师", "full_senior": "高级农艺师"},
    "economics": {"intermediate": "助理经济师", "associate_senior": "经济师", "full_senior": "高级经济师"},
}
POSITIONS = {"health": "医师", "engineering": "工程技术人员", "education": "教师", "agriculture": "农业技术人员",
             "economics": "经营管理人员"}


def _month(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def module_records(rng: random.Random, *, flow: str, series: str, specialty: str, level: str, born: dt.date,
                   employer: str, today: dt.date) -> dict[str, list[dict]]:
    """module → rows of data for one declaration."""
    degree, grad_year, start_year = _education_years(rng, series, born, today)
    topic = rng.choice(TOPICS[specialty])
    records: dict[str, list[dict]] = {
        "education": [{"school": rng.choice(SCHOOLS[series]), "degree": degree, "major": MAJORS[specialty],
                       "start": f"{start_year}-09", "end": f"{grad_year}-07", "full_time": True}],
        "work_history": [{"employer": employer, "position": POSITIONS[series], "start": f"{grad_year}-08",
                          "end": "至今", "duties": f"从事{MAJORS[specialty]}相关专业技术工作，主要研究方向为{topic}。"}],
        "work_summary": [{"text": _summary(rng, series, specialty, topic, today.year - grad_year, employer)}],
    }
    if flow == "review":
        held = TITLE_BELOW[series][level]
        year = min(max(grad_year + 1, min(today.year - rng.randint(5, 8), grad_year + 6)), today.year - 1)
        obtained = dt.date(year, rng.randint(3, 12), rng.randint(1, 28))
        records["qualification"] = [{"name": held, "obtained_on": obtained.isoformat(), "issuer": "黔中省人力资源和社会保障厅",
                                     "certificate_no": f"QZ{obtained.year}{rng.randrange(10 ** 6):06d}"}]
        records["achievement"] = _achievements(rng, specialty, topic, today)
    return records


def _education_years(rng: random.Random, series: str, born: dt.date, today: dt.date) -> tuple[str, int, int]:
    """(highest degree, graduation year, start year of that degree), never in the future."""
    degree = rng.choices(("本科", "硕士研究生", "博士研究生"), weights=(6, 3, 1 if series == "health" else 0.3))[0]
    grad_year = born.year + {"本科": 22, "硕士研究生": 25, "博士研究生": 28}[degree] + rng.choice((0, 0, 1))
    if grad_year >= today.year:
        degree, grad_year = "本科", min(born.year + 22, today.year - 1)
    length = {"本科": 5 if series == "health" else 4, "硕士研究生": 3, "博士研究生": 3}[degree]
    return degree, grad_year, grad_year - length


def _achievements(rng: random.Random, specialty: str, topic: str, today: dt.date) -> list[dict]:
    rows = []
    for i in range(rng.randint(1, 3)):
        year = today.year - rng.randint(1, 5)
        subject = topic if i == 0 else rng.choice(TOPICS[specialty])
        if rng.random() < 0.7:
            rows.append({"kind": "paper", "title": f"{subject}的实践与思考", "journal": rng.choice(JOURNALS),
                         "date": f"{year}-{rng.randint(1, 12):02d}", "role": rng.choice(("第一作者", "独立作者", "通讯作者"))})
        else:
            rows.append({"kind": "award", "title": f"{subject}项目", "issuer": rng.choice(("黔中省科学技术厅", "市人民政府", "省行业协会")),
                         "date": f"{year}-{rng.randint(1, 12):02d}", "grade": rng.choice(("一等奖", "二等奖", "三等奖"))})
    return rows


def _summary(rng: random.Random, series: str, specialty: str, topic: str, years: int, employer: str) -> str:
    opening = f"本人自参加工作以来，在{employer}从事{MAJORS[specialty]}专业技术工作{max(years, 1)}年，"
    middle = {
        "health": "坚持以患者为中心，年均完成门诊及住院诊疗任务千余人次，积极开展新技术新项目，参与科室质量控制与带教工作。",
        "engineering": "先后参与和主持多项工程项目的设计与实施，严格执行技术规范，解决了多项现场技术难题，确保工程质量与安全。",
        "education": "长期担任班主任及教研组工作，坚持立德树人，所带班级成绩稳步提升，积极参与校本课程开发和青年教师培养。",
        "agriculture": "长期扎根基层一线，开展农业技术试验示范与推广，指导农户和新型经营主体应用新品种新技术，助力乡村振兴。",
        "economics": "负责经营管理相关工作，推动制度建设与流程优化，参与重大项目的可行性分析与效益评价，取得良好经济效益。",
    }[series]
    closing = (f"任现职以来，围绕“{topic}”开展研究与实践，形成了一定的工作成果。"
               "工作中注重总结经验、规范技术资料，积极参加继续教育和学术交流，认真履行专业技术岗位职责，"
               "在指导青年技术人员、参与单位技术管理等方面发挥了应有作用。"
               "今后将继续加强学习，不断提高专业技术水平。")  # ≥ 200 characters (core.declaring.record_schema)
    return opening + middle + closing


def supplement_record(rng: random.Random) -> dict:
    return {"title": "政策性审查未通过补充材料", "description": rng.choice((
        "补充提交继续教育学时证明（已加盖单位公章）。", "补充提交论文检索证明及期刊封面、目录页扫描件。",
        "补充提交任现职以来年度考核结果证明。", "补充提交劳动合同及社保缴费证明，说明工作经历起止时间。")),
        "sealed_by_unit": True}
