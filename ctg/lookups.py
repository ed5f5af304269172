"""ORM lookups shared by every app."""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    """`in` on an integer column, leaving out the values no row can hold.

    A forged id past 64 bits in a list of choices (a form's ModelMultipleChoiceField
    runs `pk__in`) makes SQLite raise OverflowError, an HTTP 500; PostgreSQL simply
    matches nothing. Django already treats `exact`, `gt`... that way (IntegerFieldOverflow),
    not `in`.
    """

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or low <= value) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register():
    IntegerField.register_lookup(IntegerIn)
