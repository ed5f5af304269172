"""Steering meetings and reviews of a convention."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from actionplan.models import FollowUp, Meeting, Review
from api.serializers.followup import MeetingSerializer, ReviewSerializer
from api.views.base import checked_parameters, convention_or_404

TAGS = ["Pilotage"]


@extend_schema(summary="Réunions de pilotage", tags=TAGS)
class MeetingList(generics.ListAPIView):
    serializer_class = MeetingSerializer

    def get_queryset(self):
        convention = convention_or_404(self.request.user, self.kwargs["pk"])
        checked_parameters(self.request)
        return Meeting.objects.filter(convention=convention)


@extend_schema(summary="Bilans (annuels, intermédiaire, final)", tags=TAGS)
class ReviewList(generics.ListAPIView):
    serializer_class = ReviewSerializer

    def get_queryset(self):
        convention = convention_or_404(self.request.user, self.kwargs["pk"])
        checked_parameters(self.request)
        return (
            Review.objects.filter(convention=convention)
            .select_related("leads_to_amendment")
            .prefetch_related(Prefetch("follow_ups", FollowUp.objects.only("pk")))
        )
