from .followup import FollowUp, FollowUpState, FollowUpStatus
from .indicator import Indicator, IndicatorKind, IndicatorTarget, IndicatorValue
from .notice import FollowUpNotice, NoticeKind
from .plan import ActionSheet, Axis, Funding, Objective
from .steering import Meeting, MeetingKind, Review, ReviewKind
from .tracking_import import ImportMode, TrackingImport

__all__ = [
    "ActionSheet",
    "Axis",
    "FollowUp",
    "FollowUpNotice",
    "FollowUpState",
    "FollowUpStatus",
    "Funding",
    "ImportMode",
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
    "TrackingImport",
]
