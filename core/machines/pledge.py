"""The integrity pledge (诚信承诺书, 000 §5.1) that an applicant must type by hand, exactly."""

PLEDGE_TEXT = (
    "本人承诺所提交的所有申报材料（包括：毕业证书、资格证书、聘任证书、获奖证书、考试合格证书及论文、业绩材料等）"
    "均真实有效。如提供虚假、失实的申报材料，本人愿就此承担相应责任，接受有关部门给予的严肃处理，"
    "三年内不得申报专业技术职务任职资格。"
)


def pledge_matches(typed: str | None) -> bool:
    """Exact match; only surrounding whitespace and line breaks between sentences are forgiven."""
    if not typed:
        return False
    return "".join(typed.split()) == "".join(PLEDGE_TEXT.split())
