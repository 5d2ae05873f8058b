"""Translations: Chinese first (zh-hans), English on request through /i18n/setlang/.

The catalogues live in locale/<lang>/LC_MESSAGES/django.po with their compiled .mo beside them (committed, so no
machine needs gettext at run time). Regenerate with `make messages` (makemessages + compilemessages).
"""
import gettext as gnu_gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = {"zh_Hans": LOCALE / "zh_Hans" / "LC_MESSAGES", "en": LOCALE / "en" / "LC_MESSAGES"}
CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|%%|\{\{[^}]*\}\}|\{[A-Za-z_]\w*\}")
TAG = re.compile(r"</?[A-Za-z][^>]*>")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


# ------------------------------------------------------------------------------------------------ a tiny .po reader


def _unquote(text: str) -> str:
    body, out, i = text.strip()[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            out.append(ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr ({index or None: text}), flags, obsolete.
    The header (msgid "") is the first entry."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set(),
                     "obsolete": False, "line": None}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, value = match.groups()
            if keyword.startswith("msgstr"):
                key = ("msgstr", int(index) if index is not None else None)
                entry["msgstr"][key[1]] = _unquote(value)
            else:
                key = (keyword, None)
                entry[keyword] = _unquote(value)
                if keyword == "msgid":
                    entry["line"] = line
        elif line.startswith('"') and key is not None:
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += _unquote(line)
            else:
                entry[key[0]] += _unquote(line)
        else:
            raise ValueError(f"{path}: cannot read {line!r}")
    return [e for e in entries if not e["obsolete"]]


def _messages(lang: str) -> list[dict]:
    return read_po(CATALOGUES[lang] / "django.po")[1:]


def _is_english(msgid: str) -> bool:
    """A message written in English only: no Chinese character once placeholders are left out."""
    return not CJK.search(PLACEHOLDER.sub("", msgid))


def _translated(entry: dict) -> bool:
    return bool(entry["msgstr"]) and all(entry["msgstr"].values())


# ------------------------------------------------------------------------------------------------ (a) catalogues


def test_catalogues_exist_with_plural_forms_of_each_language():
    zh_header = read_po(CATALOGUES["zh_Hans"] / "django.po")[0]["msgstr"][None]
    en_header = read_po(CATALOGUES["en"] / "django.po")[0]["msgstr"][None]
    assert "nplurals=1; plural=0;" in zh_header
    assert "nplurals=2; plural=(n != 1);" in en_header


def test_every_english_message_has_a_chinese_translation_and_nothing_is_fuzzy():
    entries = _messages("zh_Hans")
    english = [e for e in entries if _is_english(e["msgid"])]
    assert len(english) > 150  # the models, navigation and headings
    untranslated = [e["msgid"] for e in english if not _translated(e)]
    assert not untranslated, f"English messages without a zh-hans translation: {untranslated}"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, (
        f"fuzzy entries (check each and remove the flag): {fuzzy}. If makemessages re-flagged "
        "'Empty: the default, 5% of the target.' (xgettext reads '% o' as a format directive), put "
        "'# xgettext:no-python-format' on the line before that help_text in indicators/models.py.")


def test_chinese_plural_entries_have_one_form_only():
    for entry in _messages("zh_Hans"):
        if entry["msgid_plural"] is not None and _translated(entry):
            assert set(entry["msgstr"]) == {0}, entry["msgid"]


# Latin words a Chinese message may carry: file formats, encodings, a command and a code a user types
FORMAT_WORDS = {"xlsx", "csv", "CSV", "pdf", "docx", "jpg", "png", "Excel", "Word", "MB", "KB", "UTF", "GBK", "NaN", "manage", "py",
                "load_plan_definition", "flow", "cnmaps", "data", "MIT", "GCJ"}


def test_every_chinese_message_has_an_english_translation_and_none_is_bilingual():
    """One language at a time (issue 13): a Chinese message is Chinese only (no '中文 English' msgid) and has its
    English in locale/en; model field names written in English with a Chinese gloss ('core (核)') are translated
    into each language, so neither page shows both."""
    entries = _messages("en")
    chinese = [e for e in entries if CJK.search(e["msgid"])]
    missing = [e["msgid"] for e in chinese if not _translated(e)]
    assert not missing, f"Chinese messages without an English translation: {missing}"
    assert not [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    bilingual = [e["msgid"] for e in chinese if not re.match(r"^[A-Za-z]", e["msgid"])
                 and set(re.findall(r"[A-Za-z_]{2,}", PLACEHOLDER.sub("", e["msgid"]))) - FORMAT_WORDS]
    assert not bilingual, f"messages in two languages: {bilingual}"
    for entry in (e for e in chinese if not re.match(r"^[A-Za-z]", e["msgid"])):
        for text in entry["msgstr"].values():
            # quoted input words and the unit codes an administrator types (亿元, 户) only
            assert not CJK.search(re.sub(r"“[^”]*”|亿元|万元|户", "", text)), (entry["msgid"], text)
    glossed = {e["msgid"]: e for e in _messages("zh_Hans") if re.match(r"^[A-Za-z][a-z]", e["msgid"])
               and CJK.search(e["msgid"])}
    latin = {m: e["msgstr"][None] for m, e in glossed.items()
             if not _translated(e) or re.search(r"[A-Za-z]{3,}", re.sub(r"“[^”]*”", "", e["msgstr"][None]))}
    assert glossed and not latin, f"glossed model names must read Chinese only in zh-hans: {latin}"


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_translations_keep_placeholders_and_html(lang):
    for entry in _messages(lang):
        for index, text in entry["msgstr"].items():
            if not text:
                continue
            source = entry["msgid_plural"] if index and entry["msgid_plural"] else entry["msgid"]
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (lang, entry["msgid"])
            assert TAG.findall(text) == TAG.findall(source), (lang, entry["msgid"])


# ------------------------------------------------------------------------------------------------ (d) compiled files


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_compiled_catalogue_matches_the_po(lang, tmp_path):
    """The committed .mo holds exactly the translated, non-fuzzy entries of the .po beside it."""
    po_path, mo_path = CATALOGUES[lang] / "django.po", CATALOGUES[lang] / "django.mo"
    assert mo_path.is_file() and mo_path.stat().st_size > 0, f"run `make messages`: {mo_path} is missing"
    with mo_path.open("rb") as f:
        compiled = gnu_gettext.GNUTranslations(f)._catalog
    expected = {}
    for entry in _messages(lang):
        if not _translated(entry) or "fuzzy" in entry["flags"]:
            continue
        msgid = entry["msgid"] if entry["msgctxt"] is None else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry["msgid_plural"] is None:
            expected[msgid] = entry["msgstr"][None]
        else:
            for index, text in entry["msgstr"].items():
                expected[(msgid, index)] = text
    compiled = {k: v for k, v in compiled.items() if k != ""}  # the header
    assert compiled == expected, f"{mo_path} is out of date with {po_path}: run `make messages`"
    msgfmt = shutil.which("msgfmt")
    if msgfmt:  # the same check compilemessages makes, when gettext is installed
        result = subprocess.run([msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(po_path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_django_reads_the_catalogues():
    with translation.override("zh-hans"):
        assert translation.gettext("Overview") == "总览"
        assert translation.gettext("figure version") == "数据版本"
        assert translation.ngettext("%(n)s indicator", "%(n)s indicators", 16) % {"n": 16} == "共16项指标"
    with translation.override("en"):
        assert translation.gettext("总结评估") == "Final review"
        assert translation.gettext("Overview") == "Overview"
        assert translation.gettext("截至") == "As of"
        assert translation.gettext("core (核)") == "core"  # a model choice glossed in Chinese: English only
    with translation.override("zh-hans"):
        assert translation.gettext("core (核)") == "核（服务业发展核心区）"


# ------------------------------------------------------------------------------------------------ (b) pages


def test_overview_is_chinese_by_default_and_english_after_switching(client, official):
    client.force_login(official)
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in page
    for word in (">总览</a>", ">评估报告</a>", ">数据填报</a>", "退出登录", "已达标", "进度正常", "需加快", "无法评估"):
        assert word in page, word
    assert ">Overview</a>" not in page and "Log out" not in page
    assert '>English</button>' in page and '>简体中文</button>' in page  # each language in its own words

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    # the status words are the engine's (issue 13: one English word per status on every page and in the reviews)
    for word in (">Overview</a>", ">Reports</a>", ">Data entry</a>", "Log out", "Target achieved", "On track"):
        assert word in page, word
    assert ">总览</a>" not in page and "已达标" not in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert ">总览</a>" in client.get(reverse("home")).content.decode()


def test_login_page_switches_language_without_logging_in(client, db):
    assert "用户名" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    page = client.get(reverse("login")).content.decode()
    assert "Username" in page and "用户名" not in page


# ------------------------------------------------------------------------------------------------ (c) admin


def test_admin_index_shows_chinese_model_names(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    for name in ("指标、数据与进度", "县（市、区）与空间布局", "集聚区与重点项目", ">指标<", ">县（市、区）<", ">数据版本<",
                 ">季度填报<", ">规划<", ">项目<", ">目标领域<"):
        assert name in page, name
    for english in (">Indicators<", ">Districts<", ">Figure versions<", ">Plans<"):
        assert english not in page, english


def test_admin_forms_show_chinese_field_names_and_choices(client, admin_user, plan):
    from indicators.models import Indicator

    client.force_login(admin_user)
    indicator = Indicator.objects.get(plan=plan, number=1)
    page = client.get(reverse("admin:indicators_indicator_change", args=[indicator.pk])).content.decode()
    for word in ("目标值", "基期年份", "统计口径", "流量（年内累计）", "不低于", "分县（市、区）填报"):
        assert word in page, word


@pytest.mark.django_db
def test_english_pages_name_indicators_in_english(client, plan, official):
    from indicators.models import Indicator

    indicator = Indicator.objects.get(plan=plan, number=1)
    assert indicator.name_en
    client.force_login(official)
    assert indicator.name in client.get("/indicators/1/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/indicators/1/").content.decode()
    assert f"1. {indicator.name_en}" in page
