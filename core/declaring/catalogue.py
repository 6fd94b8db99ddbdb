"""The title catalogue: real series, their specialties, levels and the title each level grants.

``seed_catalogue`` fills an empty database; ``list_*`` are the read side for cascading choices.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Level, Series, Specialty, TitleName

LEVELS = (
    ("junior", "初级", "Junior", 1), ("intermediate", "中级", "Intermediate", 2),
    ("associate_senior", "副高级", "Associate senior", 3), ("full_senior", "正高级", "Full senior", 4),
)

# code, zh, en, titles per level (junior, intermediate, associate senior, full senior), specialties
SERIES = (
    ("engineering", "工程", "Engineering", ("助理工程师", "工程师", "高级工程师", "正高级工程师"),
     (("eng_civil", "土木建筑工程", "Civil engineering"), ("eng_electrical", "电气工程", "Electrical engineering"),
      ("eng_mechanical", "机械工程", "Mechanical engineering"), ("eng_software", "计算机软件", "Software engineering"),
      ("eng_mining", "采矿工程", "Mining engineering"), ("eng_water", "水利水电工程", "Water resources engineering"))),
    ("health", "卫生", "Health", ("医师", "主治医师", "副主任医师", "主任医师"),
     (("hea_internal", "内科学", "Internal medicine"), ("hea_surgery", "外科学", "Surgery"),
      ("hea_nursing", "护理学", "Nursing"), ("hea_pharmacy", "药学", "Pharmacy"),
      ("hea_pediatrics", "儿科学", "Pediatrics"))),
    ("education", "中小学教师", "School teachers", ("二级教师", "一级教师", "高级教师", "正高级教师"),
     (("edu_chinese", "语文", "Chinese"), ("edu_math", "数学", "Mathematics"), ("edu_english", "英语", "English"),
      ("edu_physics", "物理", "Physics"))),
    ("agriculture", "农业", "Agriculture", ("助理农艺师", "农艺师", "高级农艺师", "正高级农艺师"),
     (("agr_crops", "作物栽培", "Crop cultivation"), ("agr_plant_protection", "植物保护", "Plant protection"),
      ("agr_soil", "土壤肥料", "Soil and fertiliser"), ("agr_husbandry", "畜牧兽医", "Animal husbandry"))),
    ("economics", "经济", "Economics", ("助理经济师", "经济师", "高级经济师", "正高级经济师"),
     (("eco_business", "工商管理", "Business administration"), ("eco_finance", "金融", "Finance"),
      ("eco_hr", "人力资源管理", "Human resources"), ("eco_transport", "运输经济", "Transport economics"))),
    ("accounting", "会计", "Accounting", ("助理会计师", "会计师", "高级会计师", "正高级会计师"),
     (("acc_accounting", "会计", "Accounting"),)),
)


def seed_catalogue(session: Session) -> None:
    """Insert the catalogue when the database has none (idempotent)."""
    if session.scalar(select(Series.code).limit(1)) is not None:
        return
    session.add_all(Level(code=c, name_zh=zh, name_en=en, rank=r) for c, zh, en, r in LEVELS)
    for pos, (code, zh, en, titles, specialties) in enumerate(SERIES):
        session.add(Series(code=code, name_zh=zh, name_en=en, position=pos))
        session.flush()
        for (level, *_), title in zip(LEVELS, titles):
            session.add(TitleName(series_code=code, level_code=level, name_zh=title, name_en=f"{en} {level}"))
        session.add_all(Specialty(code=sc, series_code=code, name_zh=szh, name_en=sen) for sc, szh, sen in specialties)
    session.flush()


def list_levels(session: Session) -> list[Level]:
    return list(session.scalars(select(Level).order_by(Level.rank)))


def list_series(session: Session) -> list[Series]:
    return list(session.scalars(select(Series).order_by(Series.position)))


def list_specialties(session: Session, series_code: str) -> list[Specialty]:
    return list(session.scalars(select(Specialty).where(Specialty.series_code == series_code)
                                .order_by(Specialty.code)))


def title_name(session: Session, series_code: str, level_code: str) -> str | None:
    row = session.get(TitleName, (series_code, level_code))
    return row.name_zh if row else None
