"""All models, imported together so ``Base.metadata`` is complete."""
from db.base import Base
from db.models.calendar import CalendarDay, CalendarYear
from db.models.declaration import (AppSecret, Attachment, AuditChainHead, AuditEvent, Declaration,
                                   DeclarationRecord, StoredFile)
from db.models.org import (Committee, Level, ReportPath, Series, Specialty, TitleName, Unit,
                           UnitLinkRequest)
from db.models.panel import (Ballot, DossierAssignment, FilingRecord, GroupDeclaration, PanelMember,
                             PanelSession, ReviewGroup, TallyResult, VoteParticipation)
from db.models.people import (Account, AuthSession, Expert, ExpertConflict, Person, RoleGrant,
                              UnitBinding)
from db.models.publicity import Objection, PublicityBatch, PublicityItem

__all__ = [
    "Base", "CalendarDay", "CalendarYear", "AppSecret", "Attachment", "AuditChainHead", "AuditEvent", "Declaration",
    "DeclarationRecord", "StoredFile", "Committee", "Level", "ReportPath", "Series", "Specialty",
    "TitleName", "Unit", "UnitLinkRequest", "Ballot", "DossierAssignment", "FilingRecord",
    "GroupDeclaration", "PanelMember", "PanelSession", "ReviewGroup", "TallyResult",
    "VoteParticipation", "Account", "AuthSession", "Expert", "ExpertConflict", "Person",
    "RoleGrant", "UnitBinding", "Objection", "PublicityBatch", "PublicityItem",
]
