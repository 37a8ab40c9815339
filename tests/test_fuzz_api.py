"""Schemathesis (a fuzzer nobody here wrote) against the REST API's own OpenAPI
document, as the Admin and as a Kurum user (Moda Dil Kursu's director), each with its
JWT: no answer is a server error, and every answer is one the document declares
(status code, content type, body schema).

Runs on a database of its own (tests/fuzzing.py); examples per operation are kept
small (SCHEMATHESIS_EXAMPLES, default 3) so that the whole run stays under a minute."""
from __future__ import annotations

import os

import pytest
import schemathesis
from schemathesis.checks import ignored_auth
from schemathesis.specs.openapi.checks import positive_data_acceptance
from hypothesis import HealthCheck, given, settings

from tests.conftest import api_token
from tests.fuzzing import fuzz_app  # noqa: F401  (fixture)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "3"))
USERS = ("admin", "12345678950")
#: ignored_auth: the real token replaces the generated one, so every answer would look like
#: junk accepted; positive_data_acceptance: a schema-valid body may still break a rule of the
#: domain (a classroom above the licence) or name a row that is not there (404, 422).
EXCLUDED = [ignored_auth, positive_data_acceptance]


@pytest.fixture(scope="session")
def api_schema(fuzz_app):  # noqa: F811
    client = fuzz_app.test_client()
    token = api_token(client, "admin")
    spec = client.get("/api/v1/_openapi", headers={"Authorization": f"Bearer {token}"}).get_json()
    return schemathesis.openapi.from_dict(spec)


@pytest.fixture(scope="session")
def tokens(fuzz_app):  # noqa: F811
    return {user: api_token(fuzz_app.test_client(), user) for user in USERS}


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("user", USERS)
def test_api_answers_as_documented(api_schema, fuzz_app, tokens, user):  # noqa: F811
    """Every operation of the document, fuzzed; all failures are reported together."""
    failures = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        if operation.path.startswith("/api/v1/security/"):
            continue  # FAB's login and refresh: the throttling tests own them

        @FUZZ
        @given(case=operation.as_strategy())
        def fuzz(case):
            # the real token replaces the generated one: "ignored_auth" would read it as accepted junk
            case.validate_response(_call(case, fuzz_app.test_client(), tokens[user]),
                                   excluded_checks=EXCLUDED)

        try:
            fuzz()
        except BaseException as exc:  # one entry per operation that failed, then the next one
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)


def _call(case, client, token):
    kwargs = case.as_transport_kwargs(base_url="")
    headers = dict(kwargs.get("headers") or {})
    headers["Authorization"] = f"Bearer {token}"
    return client.open(kwargs["url"], method=kwargs["method"], headers=headers,
                       query_string=kwargs.get("params"), json=kwargs.get("json"),
                       data=kwargs.get("data"))
