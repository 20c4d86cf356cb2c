"""Registry templates: a CSV and an XLSX workbook with French and Arabic instructions."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from mapping.schema import CYCLES, QUALITY_LEVELS, REGISTRY_COLUMNS, SECTORS

#: Per column: (French instruction, Arabic instruction, example 1, example 2).
COLUMN_HELP: dict[str, tuple[str, str, object, object]] = {
    "school_id": ("Code unique de l'établissement (obligatoire, sans doublon).",
                  "رمز المؤسسة الفريد (إجباري، بدون تكرار).", "EXEMPLE-001", "EXEMPLE-002"),
    "name_fr": ("Nom en français.", "الاسم بالفرنسية.",
                "Exemple — école à remplacer", "Exemple — satellite à remplacer"),
    "name_ar": ("Nom en arabe.", "الاسم بالعربية.", "مثال — مدرسة للاستبدال",
                "مثال — فرعية للاستبدال"),
    "cycle": ("Cycle : " + ", ".join(CYCLES) + " (ou Préscolaire, Primaire, Collégial, "
              "Qualifiant).", "السلك: الأولي، الابتدائي، الإعدادي، التأهيلي.",
              "primary", "primary"),
    "sector": ("Secteur : public ou private (Public, Privé).", "القطاع: عمومي أو خصوصي.",
               "public", "public"),
    "kind": ("Type : autonomous_school, school_group, satellite_unit, community_school, "
             "college, lycee.", "النوع: مدرسة مستقلة، مجموعة مدرسية، فرعية، مدرسة جماعاتية، "
             "ثانوية إعدادية، ثانوية تأهيلية.", "school_group", "satellite_unit"),
    "parent_id": ("Pour une unité satellite : code de son groupe scolaire.",
                  "بالنسبة للفرعية: رمز المجموعة المدرسية التابعة لها.", "", "EXEMPLE-001"),
    "commune_code": ("Code HCP de la commune (ex. 07.041.03.05), ou laisser vide si les "
                     "coordonnées sont données.",
                     "رمز الجماعة حسب المندوبية السامية للتخطيط، أو يترك فارغا إذا أعطيت "
                     "الإحداثيات.", "07.041.03.05", "07.041.03.05"),
    "lon": ("Longitude WGS84 en degrés décimaux (ex. -7,98). Lambert : colonnes x et y.",
            "خط الطول WGS84 بالدرجات العشرية. لامبير: العمودان x و y.", -7.6096, ""),
    "lat": ("Latitude WGS84 en degrés décimaux (ex. 31,63).",
            "خط العرض WGS84 بالدرجات العشرية.", 31.54894, ""),
    "classrooms": ("Nombre de salles de classe.", "عدد الحجرات الدراسية.", 6, 2),
    "seats": ("Capacité d'accueil (places).", "الطاقة الاستيعابية (المقاعد).", 200, 60),
    "pupils": ("Effectif total des élèves.", "العدد الإجمالي للتلاميذ.", 180, 45),
    "pupils_girls": ("Dont filles.", "منهم الإناث.", 85, 22),
    "status": ("État : open, closed, planned…", "الوضعية: مفتوحة، مغلقة، مبرمجة…",
               "open", "open"),
    "year": ("Année scolaire de référence (année de rentrée, ex. 2024).",
             "السنة الدراسية المرجعية (سنة الدخول، مثلا 2024).", 2024, 2024),
    "source": ("Origine de la ligne (ex. AREF, DP Al Haouz, relevé GPS).",
               "مصدر السطر (مثلا الأكاديمية، المديرية الإقليمية، مسح GPS).",
               "EXEMPLE", "EXEMPLE"),
    "location_quality": ("Qualité de la localisation : " + ", ".join(QUALITY_LEVELS) + ".",
                         "جودة التموقع: مسح ميداني، مستورد، مستنتج، تقديري، وهمي.",
                         "surveyed", ""),
    "capacity_quality": ("Qualité des capacités : " + ", ".join(QUALITY_LEVELS) + ".",
                         "جودة الطاقات: مسح ميداني، مستورد، مستنتج، تقديري، وهمي.",
                         "imported", "imported"),
}
assert tuple(COLUMN_HELP) == REGISTRY_COLUMNS
assert set(SECTORS) == {"public", "private"}

_GENERAL = [
    ("Modèle de registre scolaire — Carte scolaire Marrakech-Safi.",
     "نموذج السجل المدرسي — الخريطة المدرسية لجهة مراكش آسفي."),
    ("Une ligne par établissement (ou unité satellite). Les deux lignes EXEMPLE sont "
     "fictives : remplacez-les.",
     "سطر واحد لكل مؤسسة (أو فرعية). السطران «مثال» وهميان: عوضوهما."),
    ("Formats acceptés : CSV (UTF-8 ou Windows-1256, séparateur , ou ;), XLSX, GeoJSON, "
     "GeoPackage, Shapefile zippé.",
     "الصيغ المقبولة: CSV (UTF-8 أو Windows-1256، فاصل , أو ;)، XLSX، GeoJSON، GeoPackage، "
     "Shapefile مضغوط."),
    ("Coordonnées en WGS84 (lon/lat) ou en Lambert Nord/Sud Maroc (colonnes x, y).",
     "الإحداثيات بنظام WGS84 (خط الطول/خط العرض) أو لامبير شمال/جنوب المغرب (العمودان x و y)."),
]


def template_frame() -> pd.DataFrame:
    """The template table: canonical columns and two example rows marked EXEMPLE."""
    return pd.DataFrame([{c: h[2] for c, h in COLUMN_HELP.items()},
                         {c: h[3] for c, h in COLUMN_HELP.items()}],
                        columns=list(REGISTRY_COLUMNS))


def template_csv() -> bytes:
    """The CSV template (UTF-8 with BOM so that Excel shows Arabic correctly)."""
    text = template_frame().to_csv(index=False, lineterminator="\n")
    return b"\xef\xbb\xbf" + text.encode("utf-8")


def template_xlsx() -> bytes:
    """The XLSX template: a ``registre`` sheet and an ``instructions`` sheet (fr/ar)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "registre"
    ws.append(list(REGISTRY_COLUMNS))
    for row in template_frame().itertuples(index=False):
        ws.append([None if v == "" else v for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    info = wb.create_sheet("instructions")
    info.sheet_view.rightToLeft = False
    for fr, ar in _GENERAL:
        info.append([fr, ar])
    info.append([])
    info.append(["Colonne / العمود", "Instruction (français)", "التعليمات (بالعربية)"])
    for col, (fr, ar, _, _) in COLUMN_HELP.items():
        info.append([col, fr, ar])
    for row in info.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in (("A", 60), ("B", 70), ("C", 70)):
        info.column_dimensions[letter].width = width
    for row in info.iter_rows(min_col=3, max_col=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="right")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_templates(folder: Path) -> list[Path]:
    """Write ``registry_template.csv`` and ``registry_template.xlsx`` into *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path = folder / "registry_template.csv"
    xlsx_path = folder / "registry_template.xlsx"
    csv_path.write_bytes(template_csv())
    xlsx_path.write_bytes(template_xlsx())
    return [csv_path, xlsx_path]
