"""How drf-spectacular describes the token authentication in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "jetonPersonnel"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton d'API personnel, créé sur la page « Mon compte » (ou par un "
            "administrateur pour un compte de service) : « Authorization: Bearer ctg_… ».",
        }


PATH_PARAMETERS = {
    "/api/v1/conventions/{id}/": "Identifiant de la convention dans CTG.",
    "/api/v1/suivis/{id}/": "Identifiant du suivi trimestriel dans CTG.",
    "/api/v1/organisations/{id}/": "Identifiant de l'organisation dans CTG.",
    "/api/v1/problemes/{name}/": "Nom du type de problème.",
}


def describe_path_parameters(result, generator, request, public):
    """drf-spectacular postprocessing hook: a French description of every path parameter."""
    for path, operations in result["paths"].items():
        described = next(
            (text for prefix, text in PATH_PARAMETERS.items() if path.startswith(prefix)), None
        )
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and not parameter.get("description") and described:
                    parameter["description"] = described
    return result
