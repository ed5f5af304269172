from .followup import FollowUp, FollowUpState, FollowUpStatus
from .indicator import Indicator, IndicatorKind, IndicatorTarget, IndicatorValue
from .notice import FollowUpNotice, NoticeKind
from .plan import ActionSheet, Axis, Funding, Objective
from .steering import Meeting, MeetingKind, Review, ReviewKind

__all__ = [
    "ActionSheet",
    "Axis",
    "FollowUp",
    "FollowUpNotice",
    "FollowUpState",
    "FollowUpStatus",
    "Funding",
    "Indicator",
    "IndicatorKind",
    "IndicatorTarget",
    "IndicatorValue",
    "Meeting",
    "MeetingKind",
    "NoticeKind",
    "Objective",
    "Review",
    "ReviewKind",
]
