from .followup import FollowUp, FollowUpState, FollowUpStatus
from .indicator import Indicator, IndicatorKind, IndicatorTarget, IndicatorValue
from .plan import ActionSheet, Axis, Funding, Objective
from .steering import Meeting, MeetingKind, Review, ReviewKind

__all__ = [
    "ActionSheet",
    "Axis",
    "FollowUp",
    "FollowUpState",
    "FollowUpStatus",
    "Funding",
    "Indicator",
    "IndicatorKind",
    "IndicatorTarget",
    "IndicatorValue",
    "Meeting",
    "MeetingKind",
    "Objective",
    "Review",
    "ReviewKind",
]
