"""Cursor pagination on the primary key: stable while rows are added, constant cost.

Its two parameters are checked like the filters: a page size out of range or a cursor
that this API did not write (edited by hand, cut when copied) answers 400, never a
silent default nor a database error.
"""

import binascii
from base64 import b64decode

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

# The largest primary key the databases store (a signed 64-bit integer).
LARGEST_ID = 2**63 - 1


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Nombre de résultats par page (1 à 200, 50 par défaut)."
    cursor_query_description = "Curseur de la page, tel que donné par « next » ou « previous »."
    max_page_size = 200
    invalid_cursor_message = (
        "Curseur de pagination invalide : reprenez l'adresse « next » ou « previous » telle "
        "que l'API l'a donnée."
    )

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        if not (given.isascii() and given.isdigit() and 1 <= int(given) <= self.max_page_size):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Indiquez un nombre entier de 1 à {self.max_page_size}."
                    ]
                }
            )
        return int(given)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            # Strictly: DRF's decoding skips the characters outside base64, so that any
            # text would be read as the first page.
            if encoded is not None:
                b64decode(encoded.encode("ascii"), validate=True)
            cursor = super().decode_cursor(request)
        except (UnicodeEncodeError, binascii.Error, NotFound) as error:
            raise self._invalid() from error
        # The position is an id (the ordering): anything else was not written by the API.
        if cursor is not None and cursor.position is not None:
            position = cursor.position
            if not (position.isascii() and position.isdigit() and int(position) <= LARGEST_ID):
                raise self._invalid()
        return cursor

    def _invalid(self):
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["next"]["description"] = "Adresse de la page suivante ; vide à la fin."
        properties["previous"]["description"] = "Adresse de la page précédente ; vide au début."
        properties["results"]["description"] = "Les résultats de la page."
        return described
