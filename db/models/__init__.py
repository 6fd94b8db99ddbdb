"""All models, imported together so ``Base.metadata`` is complete."""
from db.base import Base
from db.models.analytics import StageVisit
from db.models.calendar import CalendarDay, CalendarYear
from db.models.declaration import (AppSecret, Attachment, AuditChainHead, AuditEvent, Declaration,
                                   DeclarationRecord, StoredFile)
from db.models.limits import RateBucket
from db.models.org import (Committee, Level, ReportPath, Series, Specialty, TitleName, Unit,
                           UnitLinkRequest)
from db.models.panel import (BlindOpinion, DossierAssignment, FilingRecord, GroupDeclaration, GroupNeed, PanelDraw,
                             PanelMember, PanelSession, ReviewGroup, TallyResult, VoteCount, VoteParticipation)
from db.models.people import (Account, AuthSession, Expert, ExpertConflict, Person, RoleGrant,
                              UnitBinding)
from db.models.publicity import Objection, PublicityBatch, PublicityItem

__all__ = [
    "Base", "CalendarDay", "CalendarYear", "AppSecret", "Attachment", "AuditChainHead", "AuditEvent", "Declaration",
    "DeclarationRecord", "StoredFile", "Committee", "Level", "ReportPath", "Series", "Specialty",
    "TitleName", "Unit", "UnitLinkRequest", "BlindOpinion", "DossierAssignment", "FilingRecord",
    "GroupDeclaration", "GroupNeed", "PanelDraw", "PanelMember", "PanelSession", "ReviewGroup", "TallyResult",
    "VoteCount", "VoteParticipation", "Account", "AuthSession", "Expert", "ExpertConflict", "Person",
    "RoleGrant", "UnitBinding", "RateBucket", "Objection", "PublicityBatch", "PublicityItem",
    "StageVisit",
]
