"""Believable, valid identities for demo people and units: names, resident ID numbers, phones, USCCs.

Demo data is only convincing when it passes the same checks real data passes: ID numbers carry a
real birthplace code, a birth date and the GB 11643 check digit; unified social credit codes carry
a GB 11714 organisation code and the GB 32100 check character. Everything is drawn from one seeded
``random.Random``, so the same seed always gives the same province.
"""
from __future__ import annotations

import datetime as dt
import random

from stdnum.cn import ric, uscc

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# the most common surnames are far more frequent: the first 20 get a heavier weight
_SURNAME_WEIGHTS = tuple(6 if i < 20 else 2 if i < 50 else 1 for i in range(len(SURNAMES)))
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林阳文博志国庆建东兴成晨昊宏"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲燕红梅琳雪莉倩婷颖洁佳慧琴云莹晶欣妍璐蕾瑶怡婧雯珊萍丹岚"
NEUTRAL_CHARS = "思嘉雨晓安永春秋正玉海清和若"

# Birthplace codes (GB/T 2260) the ID check accepts for every birth year from 1960 to 2005;
# most demo people were born in the southwest.
BIRTHPLACES = (
    "520201", "520203", "522222", "522223", "522224", "522225", "522226", "522227", "522228",
    "522229", "522322", "522323", "522324", "522325", "522326", "522422", "522423", "522424",
    "522425", "522426", "522622", "522623", "522624", "522625", "522626", "522627", "522628",
    "522701", "522722", "522723", "522725", "522726", "522727", "522728", "522729", "522730",
    "510121", "510122", "510321", "530121", "530122", "532323", "532501", "532522", "430121",
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "153", "155", "156", "158", "159", "177", "180", "181", "182", "183", "185", "186",
                   "187", "188", "189", "199")
# GB 11714 organisation code weights; the check character is 0-9 or X
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


class Identities:
    """Hands out unique, valid identities from one random stream."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._ids: set[str] = set()
        self._usccs: set[str] = set()
        self._names: set[str] = set()

    def name(self, male: bool) -> str:
        """A two- or three-character name; repeats are avoided while cheap (real provinces have them)."""
        for _ in range(20):
            surname = self.rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
            pool = (MALE_CHARS if male else FEMALE_CHARS) + NEUTRAL_CHARS
            given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.72 else "")
            if surname + given not in self._names:
                break
        self._names.add(surname + given)
        return surname + given

    def id_number(self, born: dt.date, male: bool) -> str:
        """A resident ID number (GB 11643) with a real birthplace code and the right check digit."""
        while True:
            seq = self.rng.randrange(1, 500) * 2 + (1 if male else 0)  # odd for men, even for women
            body = f"{self.rng.choice(BIRTHPLACES)}{born:%Y%m%d}{seq % 1000:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self._ids and valid_id_number(number):
                self._ids.add(number)
                return number

    def birth_date(self, age_from: int, age_to: int, today: dt.date) -> dt.date:
        age_days = self.rng.randint(age_from * 365, age_to * 365)
        return today - dt.timedelta(days=age_days)

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def landline(self, area: str = "0851") -> str:
        return f"{area}-{self.rng.randrange(80000000, 89999999)}"

    def uscc(self, registrar: str, region_code: str) -> str:
        """A unified social credit code (GB 32100): registrar + type, region, org code, check character."""
        while True:
            body = f"{self.rng.randrange(10 ** 8):08d}"
            code = f"{registrar}{region_code[:6]}{body}{org_code_check(body)}"
            code += uscc.calc_check_digit(code)
            if code not in self._usccs:
                self._usccs.add(code)
                return code


def valid_id_number(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except (KeyError, ValueError):  # python-stdnum 2.2 raises on some retired region codes
        return False


def valid_uscc(code: str) -> bool:
    return uscc.is_valid(code)
