"""Read an uploaded CSV or XLSX table within fixed bounds, and map its header to fields.

A 5 kB XLSX declaring the whole sheet, or a 400 kB zip of 162 MB of shared strings, must be
refused at once rather than expanded (issue 13 §2). So nothing is trusted before it is
measured: first the file's size; for XLSX then the zip's table of contents (parts,
uncompressed total, compression ratio); then one streaming pass over every XML part that
stops at the first row, column or cell beyond the limits. Only then does openpyxl read the
first sheet, in read-only (streaming) mode with explicit bounds, never the sheet's own
declared dimension. CSV is capped in size, rows, columns and record length the same way."""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.korean import with_particle

MAX_COLUMNS = 50
MAX_CELL_CHARS = 32_767            # Excel's own limit for one cell
MAX_TEXT_BYTES = 4 * MAX_CELL_CHARS  # one XML text run: UTF-8 and escapes take more room
MAX_RECORD_CHARS = 100_000         # one CSV record (a line, or more with quoted newlines)
BLANK_ROW_ALLOWANCE = 1_000        # blank rows tolerated between and after the data
XLSX_MAX_PARTS = 300
XLSX_MAX_TOTAL_BYTES = 40 * 2**20  # uncompressed, all parts together
XLSX_MAX_SHARED_STRINGS_BYTES = 8 * 2**20   # openpyxl holds all shared strings in memory
XLSX_MAX_OTHER_PART_BYTES = 4 * 2**20       # styles, theme, workbook, images …
XLSX_MAX_RATIO = 100               # real sheets compress 5–30 times; zip bombs 400–1,000
XLSX_RATIO_FLOOR = 2**20           # below this, a high ratio is harmless
XLSX_MAX_ROW_ELEMENTS_MARGIN = 10_000       # formatted but empty rows Excel may keep
XLSX_MAX_CELLS_PER_ROW = 16_384    # column XFD, the widest sheet Excel makes
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # legacy .xls, and password-protected workbooks


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, no header, too large)."""


@dataclass(frozen=True)
class Column:
    """One column of an import template: the field it fills and the header the template
    shows (the word every message uses); ``aliases`` are older or English headers."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]   # (line number in the file, cells), blank rows left out


def read_table(name: str, content: bytes, *, max_rows: int) -> Table:
    """Return the header and the non-blank rows of a CSV or XLSX file of at most
    ``max_rows`` data rows, or raise ImportFileError with a Korean reason."""
    limit = settings.HARMONY_MAX_UPLOAD_BYTES
    if len(content) > limit:
        raise ImportFileError(_("파일이 너무 큽니다 (최대 %(mb)d MB).") % {"mb": limit // 2**20})
    is_xlsx = name.lower().endswith(".xlsx")
    lines = _xlsx_lines(content, max_rows) if is_xlsx else _csv_lines(content, max_rows)
    header, rows = None, []
    for line, cells in lines:
        if header is None:
            header = cells
        elif any(cells):
            rows.append((line, cells))
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows)
    if header is None or not any(header):
        raise ImportFileError(_("파일에 머리글 행이 없습니다."))
    return Table(header=header, rows=rows)


def map_header(header: list[str], columns: tuple[Column, ...]) -> list[Column | None]:
    """Return the template column under each header cell (None for unknown headers); refuse
    a header with a required column missing or a column given twice, in the template's
    words."""
    known = {}
    for column in columns:
        for word in (column.header, column.field, *column.aliases):
            known[_header_key(word)] = column
    mapped = [known.get(_header_key(cell)) if cell else None for cell in header]
    seen = set()
    for column in mapped:
        if column is not None and column.field in seen:
            raise ImportFileError(_("'%(col)s' 열이 두 번 있습니다.") % {"col": column.header})
        if column is not None:
            seen.add(column.field)
    missing = [c.header for c in columns if c.required and c.field not in seen]
    if missing:
        message = _("필수 열이 없습니다: %(cols)s") % {"cols": ", ".join(missing)}
        unknown = [shown(cell) for cell, column in zip(header, mapped, strict=True)
                   if cell and column is None]
        if unknown:
            message += " " + _("(알 수 없는 머리글: %(cols)s)") % {"cols": ", ".join(unknown)}
        raise ImportFileError(message)
    return mapped


def row_values(cells: list[str], mapped: list[Column | None]) -> dict[str, str]:
    return {column.field: cell for column, cell in zip(mapped, cells, strict=False) if column}


def shown(value: str, width: int = 40) -> str:
    """Shorten a value quoted back in a message (a 5,000-character name stays readable)."""
    return value if len(value) <= width else value[:width] + "…"


def quoted(value: str, form: str) -> str:
    """Quote a value back with the particle that agrees with it: '총무과'를, '2024-13-01'은."""
    return with_particle(f"'{shown(value)}'", form)


def duplicate(column: Column, value: str, line: int) -> str:
    return (_("%(col)s %(value)s %(line)d행과 중복됩니다.")
            % {"col": column.header, "value": quoted(value, "이"), "line": line})


def _header_key(word: str) -> str:
    """Headers match whatever their spacing and case: '직원 번호' is '직원번호'."""
    return re.sub(r"\s+", "", word).lower()


def _line_limit(max_rows: int) -> int:
    """The last line read: the header, the rows, and some blank rows among them."""
    return max_rows + 1 + BLANK_ROW_ALLOWANCE


def _too_many_rows(max_rows: int) -> ImportFileError:
    return ImportFileError(_("한 번에 %(n)d행까지 올릴 수 있습니다.") % {"n": max_rows})


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _checked_cells(line: int, cells) -> list[str]:
    """Return the row as text, refusing values PostgreSQL cannot store (NUL) or that no
    spreadsheet would hold, and values beyond the last column read."""
    texts = [_text(cell) for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    if len(texts) > MAX_COLUMNS:
        raise _beyond_columns(line)
    for number, text in enumerate(texts, start=1):
        if "\x00" in text:
            raise ImportFileError(_("%(line)d행 %(col)d열에 NUL 문자가 있습니다.")
                                  % {"line": line, "col": number})
        if len(text) > MAX_CELL_CHARS:
            raise ImportFileError(_("%(line)d행 %(col)d열의 값이 너무 깁니다 (최대 %(n)d자).")
                                  % {"line": line, "col": number, "n": MAX_CELL_CHARS})
    return texts


# --- CSV ----------------------------------------------------------------------------------

def _csv_lines(content: bytes, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    line_limit = _line_limit(max_rows)
    # strict: a quote left open swallows the rest of the file instead of failing
    reader = csv.reader(io.StringIO(_decode(content)), strict=True)
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):
            if sum(map(len, cells)) > MAX_RECORD_CHARS:
                raise ImportFileError(_("%(line)d행이 너무 깁니다 (최대 %(n)d자).")
                                      % {"line": line, "n": MAX_RECORD_CHARS})
            if line > line_limit and any(c.strip() for c in cells):
                raise _too_many_rows(max_rows)
            if line <= line_limit:
                yield line, _checked_cells(line, cells)
    except csv.Error as error:
        raise ImportFileError(_("%(line)d행 부근의 CSV 형식이 올바르지 않습니다: %(e)s")
                              % {"line": line + 1, "e": error}) from error


def _decode(content: bytes) -> str:
    """Read UTF-8 (with or without BOM) or CP949, what Korean Excel writes by default."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("UTF-16(유니코드 텍스트)으로 저장된 파일입니다. 엑셀에서 "
                                "'CSV UTF-8' 또는 'CSV (쉼표로 분리)' 형식으로 다시 저장해 "
                                "주세요."))
    if b"\x00" in content:
        line = content[:content.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(_("%(line)d행에 NUL 문자가 있어 CSV 텍스트로 읽을 수 없습니다.")
                              % {"line": line})
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_stop = error.start
    try:
        return content.decode("cp949")
    except UnicodeDecodeError as error:
        # The encoding that reads further is the one the file was meant to be in.
        line = content[:max(utf8_stop, error.start)].count(b"\n") + 1
        raise ImportFileError(_("%(line)d행에 UTF-8로도 CP949로도 읽을 수 없는 글자가 있습니다. "
                                "엑셀에서 'CSV UTF-8' 또는 'CSV (쉼표로 분리)' 형식으로 다시 "
                                "저장해 주세요.") % {"line": line}) from error


# --- XLSX ---------------------------------------------------------------------------------

def _xlsx_lines(content: bytes, max_rows: int) -> Iterator[tuple[int, list[str]]]:
    if content.startswith(OLE_SIGNATURE):
        raise ImportFileError(_("암호가 걸려 있거나 예전 형식(.xls)인 엑셀 파일입니다. 암호를 "
                                "풀고 .xlsx 형식으로 저장해 주세요."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _check_parts(archive, max_rows)
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, expat.ExpatError, RuntimeError,
            NotImplementedError, EOFError, OSError, ValueError) as error:
        raise _unreadable() from error
    yield from _sheet_lines(content, _line_limit(max_rows))


def _unreadable() -> ImportFileError:
    return ImportFileError(_("엑셀(.xlsx) 파일을 열 수 없습니다."))


def _check_parts(archive: zipfile.ZipFile, max_rows: int) -> None:
    """Refuse from the zip's table of contents alone, before expanding anything, then scan
    each XML part as a stream."""
    parts = archive.infolist()
    if len(parts) > XLSX_MAX_PARTS:
        raise _unreadable()
    if sum(part.file_size for part in parts) > XLSX_MAX_TOTAL_BYTES:
        raise _too_large()
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > XLSX_RATIO_FLOOR and ratio > XLSX_MAX_RATIO:
            raise _too_large()
    for part in parts:
        if part.filename.endswith((".xml", ".rels")):
            _PartScan(part, max_rows).run(archive)
        elif part.file_size > XLSX_MAX_OTHER_PART_BYTES:
            raise _too_large()


def _too_large() -> ImportFileError:
    return ImportFileError(_("엑셀 파일의 압축을 풀면 지나치게 커서 읽지 않았습니다. 데이터만 "
                             "새 통합 문서에 붙여 넣어 다시 저장해 주세요."))


class _PartScan:
    """One streaming pass over an XML part of the workbook, keeping no tree: the worksheet's
    rows, cells per row and the place of every cell holding a value; no text run longer
    than a cell may be; and no DTD (OOXML never has one, so entity expansion is refused
    outright). Only element starts reach Python, which keeps the pass cheap."""

    def __init__(self, part: zipfile.ZipInfo, max_rows: int):
        self.part, self.max_rows, self.line_limit = part, max_rows, _line_limit(max_rows)
        self.root = None
        self.rows = self.row = self.cells = self.all_cells = self.column = self.stretch = 0
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd
        self.parser.StartElementHandler = self._start

    def run(self, archive: zipfile.ZipFile) -> None:
        with archive.open(self.part) as stream:
            while chunk := stream.read(1 << 16):
                self._check_text_runs(chunk)
                self.parser.Parse(chunk, False)
        self.parser.Parse(b"", True)

    def _check_text_runs(self, chunk: bytes) -> None:
        """No stretch between two '<' (a text, or a tag with its attributes) may exceed a
        cell's worth, wherever the chunks happen to cut it."""
        pieces = chunk.split(b"<")
        self.stretch += len(pieces[0])   # continues the stretch the last chunk ended with
        longest = self.stretch
        if len(pieces) > 1:
            longest = max(longest, max(map(len, pieces[1:-1]), default=0))
            self.stretch = len(pieces[-1])
        if longest > MAX_TEXT_BYTES:
            raise ImportFileError(_("%(line)d행 부근에 지나치게 긴 값이 있습니다 (한 칸에 "
                                    "최대 %(n)d자).") % {"line": self.row, "n": MAX_CELL_CHARS})

    def _refuse_dtd(self, *args) -> None:
        raise _unreadable()

    def _start(self, name: str, attrs: dict) -> None:
        tag = name.rpartition(" ")[2]
        if self.root is None:
            self._set_root(tag)
        elif self.root != "worksheet":
            return
        elif tag == "c":
            self._cell(attrs)
        elif tag == "row":
            self._row(attrs)
        elif tag in ("v", "is"):
            self._value()

    def _set_root(self, tag: str) -> None:
        self.root = tag
        cap = {"worksheet": XLSX_MAX_TOTAL_BYTES,
               "sst": XLSX_MAX_SHARED_STRINGS_BYTES}.get(tag, XLSX_MAX_OTHER_PART_BYTES)
        if self.part.file_size > cap:
            raise _too_large()

    def _row(self, attrs: dict) -> None:
        self.rows += 1
        if self.rows > self.line_limit + XLSX_MAX_ROW_ELEMENTS_MARGIN:
            raise _too_many_rows(self.max_rows)
        number = attrs.get("r", "")
        self.row = int(number) if number.isascii() and number.isdigit() else self.row + 1
        self.cells = 0

    def _cell(self, attrs: dict) -> None:
        self.cells += 1
        self.all_cells += 1
        # Even empty, every cell costs openpyxl time: a sheet may hold as many as the
        # rows read could fill, however they are spread.
        if self.all_cells > self.line_limit * MAX_COLUMNS:
            raise ImportFileError(_("시트에 칸이 너무 많습니다 (최대 %(n)d칸). 데이터만 새 통합 "
                                    "문서에 붙여 넣어 다시 저장해 주세요.")
                                  % {"n": self.line_limit * MAX_COLUMNS})
        if self.cells > XLSX_MAX_CELLS_PER_ROW:
            raise ImportFileError(_("%(line)d행에 칸이 너무 많습니다 (최대 %(n)d칸).")
                                  % {"line": self.row, "n": XLSX_MAX_CELLS_PER_ROW})
        letters = re.match(r"[A-Z]*", attrs.get("r", "")).group()
        self.column = _column_number(letters) if letters else self.cells

    def _value(self) -> None:
        """A cell with a value: it must lie within the rows and columns read."""
        if self.row > self.line_limit:
            raise ImportFileError(_("%(line)d행에 값이 있습니다. 한 번에 %(n)d행까지 올릴 수 "
                                    "있습니다.") % {"line": self.row, "n": self.max_rows})
        if self.column > MAX_COLUMNS:
            raise _beyond_columns(self.row)


def _beyond_columns(line: int) -> ImportFileError:
    return ImportFileError(_("%(line)d행: %(n)d열까지만 읽습니다. 그 오른쪽 칸을 비워 주세요.")
                           % {"line": line, "n": MAX_COLUMNS})


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters[:4]:   # XFD is the last column; more letters are bogus anyway
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_lines(content: bytes, line_limit: int) -> Iterator[tuple[int, list[str]]]:
    """Rows of the first sheet through openpyxl's streaming reader, bounded by our limits
    and not by the dimension the sheet declares about itself."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 — openpyxl raises many kinds for bad files
        raise _unreadable() from error
    try:
        if not workbook.worksheets:
            raise _unreadable()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_row=line_limit, min_col=1,
                               max_col=MAX_COLUMNS, values_only=True)
        for line, cells in enumerate(rows, start=1):
            yield line, _checked_cells(line, cells)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001
        raise _unreadable() from error
    finally:
        workbook.close()
