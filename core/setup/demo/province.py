"""The demo province as data: a fictional province (黔中省) with three cities, six counties, their HR
bureaus, competent departments, committee organizers and employers.

The names are invented (no real government is claimed) but follow the real naming and tree of a
provincial title system (001 §6.2.4: employer → competent department → county/city/province HR
bureau). Region codes use the unassigned prefix 58 so they can never be mistaken for real ones.
Each employer has a profile: the series (and specialties) its staff declare in, with weights.
"""
from __future__ import annotations

from dataclasses import dataclass

PROVINCE_NAME = "黔中省"
PROVINCE_CODE = "580000"


@dataclass(frozen=True)
class UnitSpec:
    slug: str
    name: str
    kind: str  # hr_bureau / department / committee_organizer / employer
    parent: str | None
    region_level: str | None = None
    region_code: str | None = None
    registrar: str = "11"  # USCC registrar + type: 11 organ, 12 public institution, 91 company
    weight: int = 0  # employers: share of applicants
    profile: str | None = None  # employers: key of PROFILES
    area: str = "0851"  # telephone area code


_HEALTH = ("hea_internal", "hea_surgery", "hea_nursing", "hea_pharmacy", "hea_pediatrics")
_SCHOOL = ("edu_chinese", "edu_math", "edu_english", "edu_physics")
PROFILES: dict[str, tuple[tuple[str, float, tuple[str, ...]], ...]] = {
    "hospital": (("health", 1.0, _HEALTH),),
    "mch": (("health", 1.0, ("hea_pediatrics", "hea_nursing", "hea_internal")),),
    "tcm": (("health", 1.0, ("hea_internal", "hea_nursing", "hea_pharmacy")),),
    "school": (("education", 1.0, _SCHOOL),),
    "primary": (("education", 1.0, ("edu_chinese", "edu_math", "edu_english")),),
    "design": (("engineering", 1.0, ("eng_civil", "eng_electrical", "eng_water")),),
    "water": (("engineering", 1.0, ("eng_water", "eng_civil")),),
    "construction": (("engineering", 0.8, ("eng_civil", "eng_mechanical")), ("economics", 0.2, ("eco_business", "eco_hr"))),
    "transport": (("engineering", 0.7, ("eng_civil", "eng_mechanical")), ("economics", 0.3, ("eco_transport", "eco_business"))),
    "energy": (("engineering", 0.75, ("eng_mining", "eng_electrical", "eng_mechanical")),
               ("economics", 0.25, ("eco_business", "eco_finance"))),
    "software": (("engineering", 0.8, ("eng_software",)), ("economics", 0.2, ("eco_business", "eco_hr"))),
    "bank": (("economics", 1.0, ("eco_finance", "eco_business", "eco_hr")),),
    "agri_institute": (("agriculture", 1.0, ("agr_crops", "agr_plant_protection", "agr_soil")),),
    "agri_station": (("agriculture", 1.0, ("agr_crops", "agr_plant_protection", "agr_soil", "agr_husbandry")),),
    "husbandry": (("agriculture", 1.0, ("agr_husbandry",)),),
    "tea": (("agriculture", 0.7, ("agr_crops", "agr_soil")), ("economics", 0.3, ("eco_business",))),
    "coop": (("economics", 1.0, ("eco_business", "eco_hr")),),
}


def _employer(slug: str, name: str, parent: str, weight: int, profile: str, registrar: str = "12",
              area: str = "0851") -> UnitSpec:
    return UnitSpec(slug, name, "employer", parent, registrar=registrar, weight=weight, profile=profile, area=area)


def _province() -> list[UnitSpec]:
    p = PROVINCE_NAME
    units = [UnitSpec("prov_hr", f"{p}人力资源和社会保障厅", "hr_bureau", None, "province", PROVINCE_CODE)]
    for slug, name in (("prov_edu", "教育厅"), ("prov_health", "卫生健康委员会"), ("prov_build", "住房和城乡建设厅"),
                       ("prov_agri", "农业农村厅"), ("prov_sasac", "人民政府国有资产监督管理委员会")):
        units.append(UnitSpec(slug, p + name, "department", "prov_hr"))
    for slug, name in (("org_eng", "建设工程人才评价中心"), ("org_health", "卫生健康人才评价中心"),
                       ("org_edu", "教育人才评价中心"), ("org_agri", "农业人才评价中心"),
                       ("org_eco", "经济专业人才评价中心")):
        units.append(UnitSpec(slug, p + name, "committee_organizer", "prov_hr", registrar="12"))
    units += [
        _employer("emp_yfy", "黔中医科大学附属医院", "prov_health", 30, "hospital"),
        _employer("emp_srmyy", f"{p}人民医院", "prov_health", 16, "hospital"),
        _employer("emp_syzx", f"{p}实验中学", "prov_edu", 10, "school"),
        _employer("emp_jzy", f"{p}建筑设计研究院有限公司", "prov_build", 14, "design", "91"),
        _employer("emp_nky", f"{p}农业科学院", "prov_agri", 12, "agri_institute"),
        _employer("emp_jtjt", "黔中交通建设集团有限公司", "prov_sasac", 14, "transport", "91"),
        _employer("emp_nytz", "黔中能源投资集团有限公司", "prov_sasac", 10, "energy", "91"),
    ]
    return units


def _bureaus(prefix: str, place: str, code: str, level: str, parent: str, depts: tuple, area: str) -> list[UnitSpec]:
    units = [UnitSpec(f"{prefix}_hr", f"{place}人力资源和社会保障局", "hr_bureau", parent, level, code, area=area)]
    units += [UnitSpec(f"{prefix}_{slug}", place + name, "department", f"{prefix}_hr", area=area) for slug, name in depts]
    return units


def _city_zn() -> list[UnitSpec]:
    a = "0851"
    units = _bureaus("zn", "筑南市", "580100", "city", "prov_hr", (
        ("edu", "教育局"), ("health", "卫生健康局"), ("build", "住房和城乡建设局"), ("agri", "农业农村局")), a)
    units += [
        UnitSpec("zn_org", "筑南市职称评审服务中心", "committee_organizer", "zn_hr", registrar="12", area=a),
        _employer("zn_yy1", "筑南市第一人民医院", "zn_health", 26, "hospital", area=a),
        _employer("zn_fy", "筑南市妇幼保健院", "zn_health", 8, "mch", area=a),
        _employer("zn_yz", "筑南市第一中学", "zn_edu", 10, "school", area=a),
        _employer("zn_kcy", "筑南市建筑勘察设计院", "zn_build", 10, "design", area=a),
        _employer("zn_nj", "筑南市农业技术推广站", "zn_agri", 6, "agri_station", area=a),
        _employer("zn_yf", "筑南云帆软件科技有限公司", "zn_hr", 8, "software", "91", area=a),
    ]
    units += _bureaus("qp", "青屏县", "580121", "county", "zn_hr", (("edu", "教育局"), ("health", "卫生健康局")), a)
    units += [_employer("qp_rmyy", "青屏县人民医院", "qp_health", 8, "hospital", area=a),
              _employer("qp_yz", "青屏县第一中学", "qp_edu", 6, "school", area=a)]
    units += _bureaus("bx", "白溪县", "580122", "county", "zn_hr", (("agri", "农业农村局"), ("health", "卫生健康局")), a)
    units += [_employer("bx_nj", "白溪县农业技术推广中心", "bx_agri", 5, "agri_station", area=a),
              _employer("bx_zyy", "白溪县中医医院", "bx_health", 5, "tcm", area=a),
              _employer("bx_cc", "白溪县云雾茶场有限公司", "bx_hr", 4, "tea", "91", area=a)]
    return units


def _city_yl() -> list[UnitSpec]:
    a = "0852"
    units = _bureaus("yl", "云岭市", "580200", "city", "prov_hr", (
        ("edu", "教育局"), ("health", "卫生健康局"), ("transport", "交通运输局")), a)
    units += [
        UnitSpec("yl_org", "云岭市职称评审服务中心", "committee_organizer", "yl_hr", registrar="12", area=a),
        _employer("yl_rmyy", "云岭市人民医院", "yl_health", 12, "hospital", area=a),
        _employer("yl_ez", "云岭市第二中学", "yl_edu", 9, "school", area=a),
        _employer("yl_gly", "云岭市公路勘察设计院", "yl_transport", 8, "transport", area=a),
        _employer("yl_nsh", "云岭农村商业银行股份有限公司", "yl_hr", 6, "bank", "91", area=a),
    ]
    units += _bureaus("sf", "松风县", "580221", "county", "yl_hr", (("edu", "教育局"), ("health", "卫生健康局")), a)
    units += [_employer("sf_mz", "松风县民族中学", "sf_edu", 6, "school", area=a),
              _employer("sf_rmyy", "松风县人民医院", "sf_health", 6, "hospital", area=a)]
    units += _bureaus("sq", "石桥县", "580222", "county", "yl_hr", (("agri", "农业农村局"), ("edu", "教育局")), a)
    units += [_employer("sq_xm", "石桥县畜牧兽医站", "sq_agri", 5, "husbandry", area=a),
              _employer("sq_xx", "石桥县实验小学", "sq_edu", 5, "primary", area=a)]
    return units


def _city_qj() -> list[UnitSpec]:
    a = "0853"
    units = _bureaus("qj", "清江市", "580300", "city", "prov_hr", (
        ("health", "卫生健康局"), ("agri", "农业农村局"), ("build", "住房和城乡建设局"), ("water", "水务局")), a)
    units += [
        UnitSpec("qj_org", "清江市职称评审服务中心", "committee_organizer", "qj_hr", registrar="12", area=a),
        _employer("qj_zxyy", "清江市中心医院", "qj_health", 10, "hospital", area=a),
        _employer("qj_nks", "清江市农业科学研究所", "qj_agri", 7, "agri_institute", area=a),
        _employer("qj_jg", "清江市建筑工程有限公司", "qj_build", 7, "construction", "91", area=a),
        _employer("qj_sdy", "清江市水利水电勘测设计院", "qj_water", 5, "water", area=a),
    ]
    units += _bureaus("lx", "柳溪县", "580321", "county", "qj_hr", (("health", "卫生健康局"), ("edu", "教育局")), a)
    units += [_employer("lx_rmyy", "柳溪县人民医院", "lx_health", 5, "hospital", area=a),
              _employer("lx_yz", "柳溪县第一中学", "lx_edu", 5, "school", area=a)]
    units += _bureaus("ml", "梅岭县", "580322", "county", "qj_hr", (("agri", "农业农村局"),), a)
    units += [_employer("ml_sfq", "梅岭县现代农业示范园管理中心", "ml_agri", 4, "agri_station", area=a),
              _employer("ml_gx", "梅岭县供销农资有限公司", "ml_hr", 3, "coop", "91", area=a)]
    return units


def unit_specs() -> list[UnitSpec]:
    """Every unit, parents before children."""
    return _province() + _city_zn() + _city_yl() + _city_qj()


@dataclass(frozen=True)
class CommitteeSpec:
    key: str
    name: str
    organizer: str
    region: str
    series: str
    levels: tuple[str, ...]
    next_year: bool = False
    self_review: bool = False
    approved: bool = True


_SENIOR = ("associate_senior", "full_senior")
_SERIES_ZH = {"engineering": "工程", "health": "卫生", "education": "中小学教师", "agriculture": "农业",
              "economics": "经济"}


def committee_specs() -> list[CommitteeSpec]:
    """Provincial senior committees this year and next, city intermediate ones, one employer's
    self-review committee and one committee whose review authority is still pending."""
    specs = []
    for series, organizer in (("engineering", "org_eng"), ("health", "org_health"), ("education", "org_edu"),
                              ("agriculture", "org_agri"), ("economics", "org_eco")):
        name = f"{PROVINCE_NAME}{_SERIES_ZH[series]}系列高级职称评审委员会"
        specs.append(CommitteeSpec(f"prov_{series}", name, organizer, "prov_hr", series, _SENIOR))
        specs.append(CommitteeSpec(f"prov_{series}_next", name, organizer, "prov_hr", series, _SENIOR, next_year=True))
    specs += [
        CommitteeSpec("zn_health", "筑南市卫生系列中级职称评审委员会", "zn_org", "zn_hr", "health", ("intermediate",)),
        CommitteeSpec("zn_engineering", "筑南市工程系列中级职称评审委员会", "zn_org", "zn_hr", "engineering",
                      ("intermediate",)),
        CommitteeSpec("yl_education", "云岭市中小学教师系列中级职称评审委员会", "yl_org", "yl_hr", "education",
                      ("intermediate",)),
        CommitteeSpec("yfy_self", "黔中医科大学附属医院卫生系列高级职称自主评审委员会", "emp_yfy", "prov_hr", "health",
                      ("intermediate", *_SENIOR), self_review=True),
        CommitteeSpec("qj_agriculture", "清江市农业系列中级职称评审委员会", "qj_org", "qj_hr", "agriculture",
                      ("intermediate",), approved=False),
    ]
    return specs


# Units with demo accounts, and the employer whose staff show every inbox (see core.setup.demo.accounts).
DEMO_UNIT = "zn_yy1"
SELF_REVIEW_UNIT = "emp_yfy"
