"""A project's software part as publiccode.yml: the upload page, `smartregion publiccode
import`, POST /api/v1/projects/import/publiccode and the export, with hostile input."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from smartregion.accounts import tokens
from smartregion.core.models import AuditEntry
from smartregion.projects import publiccode
from smartregion.projects.models import Project, TransferProfile
from smartregion.projects.software.mapping import repository_key
from tests.factories import OrganizationFactory

from .conftest import make_project
from .test_publiccode import MINIMAL

pytestmark = pytest.mark.django_db
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "publiccode" / "real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"{REAL} is not there")
REPO = "https://git.example.org/stadt/buergerportal.git"
BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]"
        for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)
DEEP = "".join("  " * i + f"k{i}:\n" for i in range(100))


def yml(text: str = MINIMAL, name: str = "publiccode.yml") -> SimpleUploadedFile:
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return SimpleUploadedFile(name, data, content_type="application/yaml")


def upload(client, project, data):
    return client.post(f"/projekte/{project.slug}/publiccode/", {"file": data})


# --- upload ------------------------------------------------------------------------------------


def test_editor_uploads_a_valid_file_that_fills_the_empty_fields(client, reuse):
    TransferProfile.objects.filter(project=reuse).update(licence="", source_url="")
    client.force_login(reuse.editor)
    with_docs = MINIMAL.replace(
        "    features:", "    documentation: https://docs.example.org/portal\n    features:"
    )
    page = upload(client, reuse, yml(with_docs)).content.decode()
    assert "gültig und gespeichert" in page
    profile = TransferProfile.objects.get(project=reuse)
    assert profile.publiccode["name"] == "Bürgerportal"
    assert profile.licence == "EUPL-1.2" and profile.source_url == REPO
    assert profile.documentation_url == "https://docs.example.org/portal"
    assert "software" in profile.reusable_parts
    assert AuditEntry.objects.get(action="project.publiccode_imported").actor == reuse.editor


def test_upload_keeps_what_people_entered_and_follows_the_file_where_it_gave_the_value(
    client, reuse
):
    client.force_login(reuse.editor)
    TransferProfile.objects.filter(project=reuse).update(licence="MIT", source_url="")
    upload(client, reuse, yml())
    profile = TransferProfile.objects.get(project=reuse)
    assert profile.licence == "MIT" and profile.source_url == REPO
    moved = MINIMAL.replace(REPO, "https://git.example.org/stadt/portal-neu")
    upload(client, reuse, yml(moved.replace("EUPL-1.2", "Apache-2.0")))
    profile.refresh_from_db()
    assert profile.licence == "MIT"  # entered by hand
    assert profile.source_url == "https://git.example.org/stadt/portal-neu"  # from the file


def test_upload_shows_every_error_with_key_and_line_and_stores_nothing(client, reuse):
    client.force_login(reuse.editor)
    broken = MINIMAL.replace("developmentStatus: stable", "developmentStatus: production")
    broken = broken.replace("    shortDescription: Terminbuchung für Bürgerbüros\n", "")
    page = upload(client, reuse, yml(broken)).content.decode()
    assert "Die Datei hat 2 Fehler und wurde nicht übernommen." in page
    assert "<code>developmentStatus</code> – Zeile 6:" in page
    assert "<code>description.de.shortDescription</code>" in page
    assert TransferProfile.objects.get(project=reuse).publiccode == {}


def test_upload_shows_warnings_apart_from_errors(client, reuse):
    client.force_login(reuse.editor)
    page = upload(client, reuse, yml(MINIMAL.replace('"0"', '"0.2"'))).content.decode()
    assert "gültig und gespeichert" in page
    assert '<h2 id="warnings-title"' in page and "errors-title" not in page
    assert "publiccodeYmlVersion" in page.split('id="warnings-title"')[1]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (BILLION_LAUGHS.encode(), "Billion Laughs"),
        (DEEP.encode(), "verschachtelt"),
        (MINIMAL.encode("utf-16"), "UTF-16"),
        (MINIMAL.encode("latin-1"), "UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "UTF"),
        (b"- a\n- list\n", "Schlüssel-Wert-Paaren"),
    ],
)
def test_hostile_uploads_are_refused_with_a_reason(client, reuse, data, expected):
    client.force_login(reuse.editor)
    page = upload(client, reuse, yml(data)).content.decode()
    assert "wurde nicht übernommen" in page and expected in page
    assert TransferProfile.objects.get(project=reuse).publiccode == {}


def test_upload_over_5_mb_is_refused_before_it_is_read(client, reuse):
    client.force_login(reuse.editor)
    big = b"name: x\n" + b"#" * publiccode.MAX_BYTES
    page = upload(client, reuse, yml(big)).content.decode()
    assert "größer als 5 MB" in page
    assert TransferProfile.objects.get(project=reuse).publiccode == {}


def test_script_in_an_uploaded_file_is_escaped(client, reuse):
    client.force_login(reuse.editor)
    hostile = MINIMAL.replace(
        "developmentStatus: stable", "developmentStatus: <script>alert(1)</script>"
    )
    page = upload(client, reuse, yml(hostile)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_a_repository_another_project_names_is_refused(client, reuse):
    first = make_project(
        title="Bürgerportal Bottrop",
        lead_organization=reuse.lead_organization,
        transfer={"licence": "EUPL-1.2", "source_url": REPO.removesuffix(".git") + "/"},
    )
    client.force_login(reuse.editor)
    page = upload(client, reuse, yml()).content.decode()
    assert "gehört schon zum Projekt „Bürgerportal Bottrop“" in page
    assert TransferProfile.objects.get(project=reuse).publiccode == {}
    assert first.transfer_profile.publiccode == {}


def test_only_editors_upload(client, reuse, other_user):
    url = f"/projekte/{reuse.slug}/publiccode/"
    assert client.get(url).status_code == 302
    client.force_login(other_user)
    assert client.post(url, {"file": yml()}).status_code == 403
    assert TransferProfile.objects.get(project=reuse).publiccode == {}


# --- import command ---------------------------------------------------------------------------


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_pending_projects_and_updates_on_the_second_run(tmp_path, region, capsys):
    _write(tmp_path, "portal.yml", MINIMAL)
    english = (
        MINIMAL.replace(REPO, "https://github.com/example/ticketing")
        .replace("  de:", "  en:")
        .replace("name: Bürgerportal", "name: Ticketing")
    )
    _write(tmp_path, "ticketing.yaml", english)
    _write(tmp_path, "README.txt", "not a publiccode file")
    call_command("publiccode", "import", str(tmp_path))
    out = capsys.readouterr().out
    assert out.count(": imported (") == 2 and "README" not in out
    portal = Project.objects.get(title="Bürgerportal")
    assert portal.status == "pending" and portal.is_imported and portal.lead_organization is None
    assert portal.summary == "Terminbuchung für Bürgerbüros"
    assert "*Aus einer publiccode.yml importiert.*" in portal.description
    ticketing = Project.objects.get(title="Ticketing")
    assert "Beschreibung ist auf Englisch" in ticketing.description
    assert portal.transfer.source_url == REPO and portal.transfer.maturity == "operating"
    call_command("publiccode", "import", str(tmp_path))
    assert capsys.readouterr().out.count(": updated (") == 2
    assert Project.objects.count() == 2


def test_import_matches_the_repository_however_it_is_written(tmp_path, reuse, capsys):
    TransferProfile.objects.filter(project=reuse).update(
        source_url="http://www.git.example.org/Stadt/Buergerportal/"
    )
    call_command("publiccode", "import", str(_write(tmp_path, "x.yml", MINIMAL)))
    assert ": updated (digitaler-bauantrag" in capsys.readouterr().out
    assert Project.objects.count() == 1
    assert TransferProfile.objects.get(project=reuse).publiccode["name"] == "Bürgerportal"


def test_a_stored_file_is_found_by_its_repository_too(reuse):
    from smartregion.projects.software.services import find_by_repository

    TransferProfile.objects.filter(project=reuse).update(
        source_url="", publiccode={"name": "X", "url": "git@github.com:Org/Repo.git"}
    )
    assert find_by_repository("https://github.com/org/repo") == reuse
    assert find_by_repository("https://github.com/org/repo-2") is None
    assert find_by_repository("https://github.com/") is None


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://github.com/Org/Repo.git", "github.com/org/repo"),
        ("http://www.github.com/org/repo/", "github.com/org/repo"),
        ("git@github.com:org/repo.git", "github.com/org/repo"),
        ("https://user@gitlab.example.org/a/b?x=1", "gitlab.example.org/a/b"),
        ("https://github.com/", ""),
        ("", ""),
    ],
)
def test_repository_key(url, key):
    assert repository_key(url) == key


def test_invalid_files_are_reported_and_the_command_fails(tmp_path, region, capsys):
    _write(tmp_path, "good.yml", MINIMAL)
    (tmp_path / "bomb.yml").write_text(BILLION_LAUGHS)
    (tmp_path / "latin.yml").write_bytes(MINIMAL.encode("latin-1"))
    with pytest.raises(CommandError) as failed:
        call_command("publiccode", "import", str(tmp_path))
    assert failed.value.returncode == 1
    out = capsys.readouterr().out
    assert "bomb.yml: invalid: " in out and "Billion Laughs" in out
    assert "latin.yml: invalid: " in out and "UTF-8" in out
    assert "good.yml: imported (" in out
    assert Project.objects.count() == 1


def test_an_overlong_name_is_cut_to_a_title(tmp_path, region, capsys):
    long_name = MINIMAL.replace("name: Bürgerportal", "name: " + "Sehr langer Name " * 20)
    _write(tmp_path, "long.yml", long_name)
    call_command("publiccode", "import", str(tmp_path))
    assert ": imported (" in capsys.readouterr().out
    assert len(Project.objects.get().title) <= 200


@needs_real
def test_every_real_file_is_imported_or_rejected_with_reasons(region, capsys):
    with pytest.raises(CommandError):
        call_command("publiccode", "import", str(REAL))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 14
    verdicts = {line.split(": ", 1)[0].rsplit("/", 1)[1]: line.split(": ", 1)[1] for line in lines}
    assert sum(v.startswith("imported") for v in verdicts.values()) == 9
    assert all(
        v.startswith("invalid: ") and len(v) > 20 for v in verdicts.values() if "invalid" in v
    )
    with pytest.raises(CommandError):
        call_command("publiccode", "import", str(REAL))
    again = capsys.readouterr().out
    assert again.count(": updated (") == 9
    assert Project.objects.count() == 9


# --- API ----------------------------------------------------------------------------------------


@pytest.fixture
def token(user):
    return tokens.token_create(user=user, name="Test")[1]


def post_yaml(client, body, token, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.post(
        "/api/v1/projects/import/publiccode" + query,
        body,
        content_type="application/yaml",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_api_import_needs_a_token(client, region):
    response = client.post(
        "/api/v1/projects/import/publiccode", MINIMAL, content_type="application/yaml"
    )
    assert response.status_code == 401
    assert post_yaml(client, MINIMAL, "sr_falsch").status_code == 401


def test_api_imports_then_updates(client, region, user, token):
    response = post_yaml(client, MINIMAL.encode(), token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["result"] == "imported" and data["project"]["status"] == "pending"
    project = Project.objects.get()
    assert project.created_by == user and project.can_edit(user)
    response = post_yaml(client, MINIMAL.encode(), token)
    assert response.status_code == 200 and response.json()["result"] == "updated"
    assert Project.objects.count() == 1


def test_api_returns_every_error_as_json(client, region, token):
    broken = MINIMAL.replace("developmentStatus: stable", "developmentStatus: production")
    response = post_yaml(client, broken, token)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["key"], e["line"]) for e in errors] == [("developmentStatus", 6)]
    assert errors[0]["message_en"] and errors[0]["message"]
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    "body", [BILLION_LAUGHS.encode(), DEEP.encode(), MINIMAL.encode("utf-16"), b"\xff\xfe\x00"]
)
def test_api_refuses_hostile_bodies(client, region, token, body):
    response = post_yaml(client, body, token)
    assert response.status_code == 422 and response.json()["errors"]


def test_api_refuses_bodies_over_5_mb(client, region, token):
    response = post_yaml(client, b"name: x\n" + b"#" * publiccode.MAX_BYTES, token)
    assert response.status_code == 413


def test_api_cannot_update_a_foreign_project_or_name_a_foreign_lead(
    client, reuse, other_user, token
):
    TransferProfile.objects.filter(project=reuse).update(source_url=REPO)
    stranger_token = tokens.token_create(user=other_user, name="x")[1]
    assert post_yaml(client, MINIMAL, stranger_token).status_code == 403
    assert TransferProfile.objects.get(project=reuse).publiccode == {}
    foreign = OrganizationFactory(status="published", slug="fremde-gmbh")
    other = MINIMAL.replace(REPO, "https://git.example.org/anderes/projekt")
    assert post_yaml(client, other, stranger_token, organization=foreign.slug).status_code == 403
    assert post_yaml(client, other, stranger_token, organization="gibt-es-nicht").status_code == 403
    assert Project.objects.count() == 1


# --- export --------------------------------------------------------------------------------------


def test_export_built_from_the_project_validates(client, reuse):
    response = client.get(f"/projekte/{reuse.slug}/publiccode.yml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    result = publiccode.parse(response.content)
    assert result.is_valid, result.errors
    document = yaml.safe_load(response.content)
    assert document["url"] == "https://example.org/git/bauantrag"
    assert document["legal"]["license"] == "EUPL-1.2"
    assert document["maintenance"] == {"type": "internal", "contacts": [{"name": "Stabsstelle"}]}
    assert "anlaufstelle@example.org" not in response.content.decode()  # not public


def test_export_reuses_an_uploaded_file(client, reuse):
    client.force_login(reuse.editor)
    upload(client, reuse, yml())
    client.logout()
    response = client.get(f"/projekte/{reuse.slug}/publiccode.yml")
    assert publiccode.parse(response.content).verdict == "valid"
    assert yaml.safe_load(response.content)["name"] == "Bürgerportal"


def test_export_of_an_uploaded_file_follows_later_edits_of_licence_and_repository(client, reuse):
    client.force_login(reuse.editor)
    upload(client, reuse, yml())
    profile = TransferProfile.objects.get(project=reuse)
    profile.licence, profile.source_url = "MIT", "https://git.example.org/stadt/neu.git"
    profile.save()
    document = yaml.safe_load(client.get(f"/projekte/{reuse.slug}/publiccode.yml").content)
    assert document["legal"]["license"] == "MIT"
    assert document["url"] == "https://git.example.org/stadt/neu.git"
    assert document["name"] == "Bürgerportal"  # the rest is the uploaded file's


def test_pages_link_the_file_only_when_it_can_be_served(client, region):
    broken = make_project(title="Kaputt", transfer={"maturity": "pilot"})
    TransferProfile.objects.filter(project=broken).update(publiccode={"name": "nur ein Name"})
    assert client.get(f"/projekte/{broken.slug}/publiccode.yml").status_code == 404
    page = client.get(broken.get_absolute_url()).content.decode()
    assert f"/projekte/{broken.slug}/publiccode.yml" not in page


def test_no_export_without_software_or_for_unpublished_projects(client, region):
    plain = make_project(title="Konzept", transfer={"maturity": "idea"})
    assert client.get(f"/projekte/{plain.slug}/publiccode.yml").status_code == 404
    hidden = make_project(
        title="Versteckt",
        status="pending",
        transfer={"licence": "MIT", "source_url": "https://example.org/x/y"},
    )
    assert client.get(f"/projekte/{hidden.slug}/publiccode.yml").status_code == 404
    page = client.get(plain.get_absolute_url()).content.decode()
    assert "publiccode.yml" not in page


def test_export_of_every_demo_project_with_software_validates(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo", stdout=StringIO())
    exported = 0
    for project in Project.objects.published():
        response = client.get(f"/projekte/{project.slug}/publiccode.yml")
        if response.status_code == 404:
            continue
        assert publiccode.parse(response.content).is_valid, project.title
        exported += 1
    assert exported == 2


def test_imported_project_without_lead_shows_and_exports(client, tmp_path, region, coordinator):
    _write(tmp_path, "portal.yml", MINIMAL)
    call_command("publiccode", "import", str(tmp_path), stdout=StringIO())
    project = Project.objects.get()
    from smartregion.core import workflow

    workflow.approve(obj=project, by=coordinator)
    page = client.get(project.get_absolute_url())
    assert page.status_code == 200 and "aus publiccode.yml importiert" in page.content.decode()
    assert client.get("/projekte/").status_code == 200
    assert client.get(f"/api/v1/projects/{project.slug}").json()["lead_organization"] is None
    assert publiccode.parse(client.get(f"/projekte/{project.slug}/publiccode.yml").content).is_valid


def test_script_in_an_imported_file_is_escaped_on_the_project_page(
    client, tmp_path, region, coordinator
):
    from smartregion.core import workflow

    hostile = MINIMAL.replace("name: Bürgerportal", 'name: "<script>alert(1)</script>"')
    hostile = hostile.replace(
        "shortDescription: Terminbuchung für Bürgerbüros",
        'shortDescription: "<img src=x onerror=alert(2)>"',
    )
    _write(tmp_path, "x.yml", hostile)
    call_command("publiccode", "import", str(tmp_path), stdout=StringIO())
    project = workflow.approve(obj=Project.objects.get(), by=coordinator)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
