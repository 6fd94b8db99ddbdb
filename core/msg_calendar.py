"""Catalogue entries of the working-day calendar (issue 9): the provisional-calendar notes on publicity
pages and notices, and the provincial HR bureau's calendar page. Merged into core.messages."""
from __future__ import annotations

_ENTRIES: dict[str, tuple[str, str]] = {
    # --- publicity -------------------------------------------------------------------------------
    "calendar.provisional_note": ("注：{years}年国家法定节假日安排尚未正式公布，本公示期暂按推定的节假日安排计算工作日（不含调休上班日），"
                                  "如正式安排公布后有变化，将另行通知。",
                                  "Note: the official holiday schedule for {years} has not been published yet; the working days "
                                  "of this publicity are counted on a provisional schedule (without make-up working days), and "
                                  "any change will be announced."),
    "calendar.provisional_end": ("{years}年节假日安排为暂定（国务院尚未公布或尚未确认），该结束日期按暂定日历计算",
                                 "The {years} holiday schedule is provisional (not yet published or confirmed): this end "
                                 "date is counted on a provisional calendar"),
    "calendar.provisional_mark": ("（暂定日历）", " (provisional calendar)"),
    # --- errors ----------------------------------------------------------------------------------
    "calendar.year_invalid": ("年份须在 {first}–{last} 之间", "The year must be between {first} and {last}"),
    "calendar.kind_invalid": ("请选择“放假”或“调休上班”", "Choose “holiday” or “make-up working day”"),
    "calendar.name_too_long": ("名称不超过 {max} 字", "The name may have at most {max} characters"),
    "calendar.source_invalid": ("请填写依据（如国务院办公厅通知文号，2–{max} 字）",
                                "Enter the source (e.g. the State Council notice's number, 2–{max} characters)"),
    "calendar.day_not_listed": ("{day} 不在节假日安排中", "{day} is not in the schedule"),
}

_PAGES: dict[str, tuple[str, str]] = {
    "ws.calendar": ("工作日历", "Working-day calendar"),
    "calendar.intro": ("公示期按此日历计算工作日：周一至周五上班、周末休息，下表所列日期除外（放假或调休上班）。"
                       "尚未确认的年份按规则暂定（不含调休上班日），公示照常进行并注明暂定；国务院办公厅公布当年安排后，"
                       "请录入放假和调休上班日期并确认为正式安排。",
                       "Publicity periods count working days on this calendar: Monday to Friday are working days and "
                       "weekends are off, except the dates listed (holidays and make-up working days). Years not yet "
                       "confirmed are provisional (from rules, without make-up working days): publicities go on and say "
                       "so. When the State Council publishes a year's schedule, enter its holidays and make-up working "
                       "days and confirm the year as official."),
    "calendar.read_only": ("仅省级人社部门管理员可以修改工作日历", "Only the provincial HR bureau's admin can change the calendar"),
    "calendar.col_year": ("年份", "Year"), "calendar.col_status": ("状态", "Status"),
    "calendar.col_source": ("依据", "Source"), "calendar.col_confirmed_by": ("确认人", "Confirmed by"),
    "calendar.col_confirmed_at": ("确认时间", "Confirmed at"), "calendar.col_holidays": ("放假日期数", "Holidays"),
    "calendar.col_workdays": ("调休上班日数", "Make-up working days"),
    "calendar.col_day": ("日期", "Date"), "calendar.col_weekday": ("星期", "Weekday"),
    "calendar.col_kind": ("类型", "Kind"), "calendar.col_name": ("名称", "Name"),
    "calendar.status.official": ("正式", "Official"), "calendar.status.provisional": ("暂定", "Provisional"),
    "calendar.kind.holiday": ("放假", "Holiday"), "calendar.kind.workday": ("调休上班", "Make-up working day"),
    "calendar.pick_year": ("年份", "Year"),
    "calendar.year_status": ("{year}年：{status}；依据：{source}", "{year}: {status}; source: {source}"),
    "calendar.no_days": ("该年没有列出的日期", "No dates listed for this year"),
    "calendar.add_year": ("添加年份", "Add a year"), "calendar.add_year_button": ("添加", "Add"),
    "calendar.year_added": ("已添加 {year} 年（暂定，按规则生成）", "{year} added (provisional, from rules)"),
    "calendar.year_exists": ("{year} 年已在日历中", "{year} is already in the calendar"),
    "calendar.edit_day": ("录入或修改日期", "Enter or change a date"),
    "calendar.day": ("日期", "Date"), "calendar.kind": ("类型", "Kind"), "calendar.name": ("名称（如：春节）", "Name (e.g. Spring Festival)"),
    "calendar.save_day": ("保存日期", "Save the date"), "calendar.day_saved": ("已保存 {day}", "{day} saved"),
    "calendar.remove_day": ("移除日期", "Remove a date"), "calendar.remove_pick": ("要移除的日期", "Date to remove"),
    "calendar.remove_button": ("移除", "Remove"), "calendar.day_removed": ("已移除 {day}", "{day} removed"),
    "calendar.edit_unconfirms": ("修改已确认年份的日期后，该年份恢复为暂定，需重新确认",
                                 "Changing a date of an official year makes it provisional until confirmed again"),
    "calendar.confirm": ("确认为正式安排", "Confirm as official"),
    "calendar.source": ("依据（国务院办公厅通知）", "Source (the State Council's notice)"),
    "calendar.confirm_button": ("确认 {year} 年为正式安排", "Confirm {year} as official"),
    "calendar.confirm_ask": ("确认 {year} 年所列 {count} 个日期即国务院公布的正式安排？",
                             "Confirm that the {count} dates listed for {year} are the State Council's official schedule?"),
    "calendar.confirmed": ("{year} 年已确认为正式安排", "{year} confirmed as official"),
}

_WEEKDAYS = zip("一二三四五六日", ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
_PAGES.update({f"calendar.weekday.{i}": (f"星期{zh}", en) for i, (zh, en) in enumerate(_WEEKDAYS)})

MESSAGES_CALENDAR: dict[str, dict[str, str]] = {k: {"zh": zh, "en": en} for k, (zh, en) in {**_ENTRIES, **_PAGES}.items()}
