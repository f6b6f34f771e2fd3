"""A round trip through a client generated from the node's OpenAPI document.

Run by scripts/contract-client with the generated package `interdict_client` on the
path and INTERDICT_URL and INTERDICT_PASSWORD set. Every model is built and parsed by
the generated code: enum values the document does not list raise, and so do
undocumented statuses.
"""

import datetime
import os
import sys

from interdict_client import AuthenticatedClient, Client
from interdict_client.api.auth import create_token, me
from interdict_client.api.reports import list_reports
from interdict_client.api.search import search
from interdict_client.api.seizures import create_seizure, get_seizure, list_seizures
from interdict_client.models import (
    Container,
    Conveyance,
    DrugItem,
    DrugType,
    Handling,
    PlaceKind,
    Route,
    Seizure,
    SeizureInput,
    SeizurePlace,
    Tlp,
    TokenRequest,
    Unit,
)

base_url = os.environ["INTERDICT_URL"]
password = os.environ["INTERDICT_PASSWORD"]
failures = []


def check(what, got, want):
    if got != want:
        failures.append(f"{what}: got {got!r}, want {want!r}")


def expect(response, status):
    if response.status_code != status:
        sys.exit(f"{response.status_code} where {status} was expected: {response.content!r}")
    return response.parsed


anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)
login = expect(
    create_token.sync_detailed(
        client=anonymous, body=TokenRequest(username="kcs.analyst", password=password)
    ),
    201,
)
check("login agency", login.user.agency, "KR-KCS")
client = AuthenticatedClient(base_url=base_url, token=login.token, raise_on_unexpected_status=True)
check("me", expect(me.sync_detailed(client=client), 200).username, "kcs.analyst")

# The values are given as they travel, so that a document naming other values fails
# here, in the generated enums.
occurred_on = datetime.date.today() - datetime.timedelta(days=3)
seizure = SeizureInput(
    occurred_on=occurred_on,
    place=SeizurePlace(kind=PlaceKind("port"), name="Busan New Port", country="KR"),
    conveyance=Conveyance("sea_container"),
    items=[DrugItem(drug=DrugType("methamphetamine"), quantity=1500.0, unit=Unit("g"))],
    handling=Handling(tlp=Tlp("AMBER+STRICT")),
    concealment="inside frozen fish boxes",
    route=Route(origin="TH", transit=["VN"], destination="KR"),
    subjects=[Container.from_dict({"kind": "container", "number": "CSQU3054383"})],
)
created = expect(create_seizure.sync_detailed(client=client, body=seizure), 201)
read = expect(get_seizure.sync_detailed(client=client, id=created.id), 200)

for record, label in [(created, "created"), (read, "read back")]:
    if not isinstance(record, Seizure):
        sys.exit(f"{label}: not parsed as a Seizure: {record!r}")
    check(f"{label} id", record.id, created.id)
    check(f"{label} agency", record.agency, "KR-KCS")
    check(f"{label} occurred_on", record.occurred_on, occurred_on)
    check(f"{label} place kind", record.place.kind, PlaceKind.PORT)
    check(f"{label} place kind on the wire", record.place.kind.value, "port")
    check(f"{label} place name", record.place.name, "Busan New Port")
    check(f"{label} conveyance", record.conveyance.value, "sea_container")
    check(f"{label} items", len(record.items), 1)
    check(f"{label} drug", record.items[0].drug.value, "methamphetamine")
    check(f"{label} quantity", record.items[0].quantity, 1500.0)
    check(f"{label} unit", record.items[0].unit.value, "g")
    check(f"{label} tlp", record.handling.tlp.value, "AMBER+STRICT")
    check(f"{label} concealment", record.concealment, "inside frozen fish boxes")
    check(f"{label} route", (record.route.origin, record.route.transit, record.route.destination), ("TH", ["VN"], "KR"))
    check(f"{label} subject", record.subjects[0].to_dict(), {"kind": "container", "number": "CSQU3054383"})
    check(f"{label} status", record.status.value, "published")
    check(f"{label} version", record.version, 1)
    check(f"{label} created_by", record.created_by, "kcs.analyst")

# Pages of the demo world's records, which use many more of the values, parse too.
seizures = expect(list_seizures.sync_detailed(client=client, limit=200), 200)
reports = expect(list_reports.sync_detailed(client=client, limit=200), 200)
hits = expect(search.sync_detailed(client=client, q="busan", limit=200), 200)
if not (seizures.items and reports.items and hits.items):
    failures.append("the demo world's pages are empty")

if failures:
    sys.exit("the round trip through the generated client failed:\n  " + "\n  ".join(failures))
print(
    f"generated client: filed and read seizure {created.id}; parsed {len(seizures.items)} seizures, "
    f"{len(reports.items)} reports, {len(hits.items)} search hits"
)
