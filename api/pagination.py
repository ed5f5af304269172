"""Cursor pagination on the primary key: stable while rows are added, constant cost."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 50
    page_size_query_param = "taille"
    page_size_query_description = "Nombre de résultats par page (1 à 200, 50 par défaut)."
    cursor_query_description = "Curseur de la page, tel que donné par « next » ou « previous »."
    max_page_size = 200
    invalid_cursor_message = "Curseur de pagination invalide."

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["next"]["description"] = "Adresse de la page suivante ; vide à la fin."
        properties["previous"]["description"] = "Adresse de la page précédente ; vide au début."
        properties["results"]["description"] = "Les résultats de la page."
        return described
