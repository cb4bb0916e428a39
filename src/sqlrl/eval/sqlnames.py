"""Where SQL being written needs a name of the database, and which names fit there.

`SqlScanner` reads SQL one character at a time, as a model writes it, and says whether a
character keeps the text on names the database has. It is a lexer with a little memory,
not a parser: it knows words, quoted identifiers, strings, numbers, comments and brackets,
and a handful of keywords that change what a name means (FROM, JOIN, AS, WITH, SELECT...).

What it constrains, by position:
- after FROM / JOIN / a comma in a FROM list: a table of the database or a CTE the query
  declared;
- after `X.`: a column of X's table (X a table, or an alias declared for one);
- elsewhere in an expression, a word must be a column (of the tables the query reads, once
  its FROM is known; of any table before), an SQLite keyword or function (then `(`), an alias the
  query declared, or a table / alias / CTE name followed by `.`. Before the query's FROM,
  a word shaped like an alias (a letter and up to two digits: `T1`, `s`) may also stand
  for an alias declared later, if `.` follows it (Spider's `SELECT T1.name FROM singer AS T1`).
What stays free: string literals, numbers, comments, double-quoted text in an expression
(SQLite reads "x" as a string when no column is called x, and Spider writes strings so),
new names being declared (after AS, a table alias, a CTE name and its column list), and
everything after a `;`. Names compare case-insensitively, as SQLite compares them.

A word is checked while it grows: each character must keep it a prefix of an allowed name,
and the character that ends it must find it complete, so `name` can end where `name_full`
also exists, and `nam` cannot.
"""

from __future__ import annotations

import re

# SQLite's keywords (https://sqlite.org/lang_keywords.html), TRUE / FALSE, and collation names.
KEYWORDS = frozenset("""
abort action add after all alter always analyze and as asc attach autoincrement before begin between by cascade
case cast check collate column commit conflict constraint create cross current current_date current_time
current_timestamp database default deferrable deferred delete desc detach distinct do drop each else end escape
except exclude exclusive exists explain fail filter first following for foreign from full generated glob group
groups having if ignore immediate in index indexed initially inner insert instead intersect into is isnull join key
last left like limit match materialized natural no not nothing notnull null nulls of offset on or order others outer
over partition plan pragma preceding primary query raise range recursive references regexp reindex release rename
replace restrict returning right rollback row rows savepoint select set table temp temporary then ties to
transaction trigger unbounded union unique update using vacuum values view virtual when where window with without
true false nocase binary
""".split())

# SQLite's built-in functions: core, date and time, aggregate, window, math and JSON.
FUNCTIONS = frozenset("""
abs changes char coalesce concat concat_ws format glob hex ifnull iif instr last_insert_rowid length like
likelihood likely lower ltrim max min nullif octet_length printf quote random randomblob replace round rtrim sign
soundex substr substring total_changes trim typeof unhex unicode unlikely upper zeroblob
date time datetime julianday unixepoch strftime timediff
avg count group_concat string_agg sum total
row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
acos acosh asin asinh atan atan2 atanh ceil ceiling cos cosh degrees exp floor ln log log10 log2 mod pi pow power
radians sin sinh sqrt tan tanh trunc
json json_array json_array_length json_extract json_group_array json_group_object json_insert json_object
json_patch json_remove json_replace json_set json_type json_valid json_quote json_each json_tree
""".split())

IMPLICIT_COLUMNS = frozenset({"rowid", "oid", "_rowid_"})  # every ordinary table has them
OPERAND_KEYWORDS = frozenset({"null", "true", "false", "current_date", "current_time", "current_timestamp",
                              "end", "asc", "desc"})
ENDS_FROM = frozenset({"where", "group", "order", "having", "limit", "offset", "union", "intersect", "except",
                       "window", "on", "using", "values", "returning", "select"})
# An alias used before the FROM that declares it: a letter and up to two digits (T1, t2, s). Longer
# words are not let through: `id` or `cnt` are more often a column the database lacks than an alias.
FORWARD_ALIAS = re.compile(r"[a-z][0-9]{0,2}")
# Ways a word may end (what `_end_word` decides).
_OPERAND, _QUALIFIER = 1, 2


class Names:
    """A set of lower-case names with all their prefixes, for the grow-a-word check."""

    __slots__ = ("full", "prefixes")

    def __init__(self, names):
        self.full = frozenset(names)
        self.prefixes = frozenset(n[:i] for n in self.full for i in range(len(n) + 1))


KEYWORD_NAMES = Names(KEYWORDS | FUNCTIONS)


class DbNames:
    """The tables and columns of one database, lower-cased, with cached prefix sets."""

    def __init__(self, tables: dict[str, list[str]]):
        self.columns = {t.lower(): frozenset(c.lower() for c in cols) | IMPLICIT_COLUMNS for t, cols in tables.items()}
        self.tables = Names(self.columns)
        self.all_columns = Names(frozenset().union(IMPLICIT_COLUMNS, *self.columns.values()))
        self.non_ascii = not all(n.isascii() for n in self.tables.full | self.all_columns.full)
        self._scopes: dict[tuple, Names] = {}

    @classmethod
    def from_db(cls, db_path) -> DbNames:
        """The names of the SQLite database at `db_path`."""
        from sqlrl.data.schema import read_tables

        return cls({t.name: [c.name for c in t.columns] for t in read_tables(db_path)})

    def columns_of(self, tables: tuple) -> Names:
        """Columns of these tables (lower-case names of this database), cached."""
        key = tuple(sorted(set(tables)))
        got = self._scopes.get(key)
        if got is None:
            got = self._scopes[key] = Names(frozenset().union(*(self.columns.get(t, ()) for t in key)))
        return got


# What the next word is (`expect`).
EXPR, AFTER, TABLE, AFTER_TABLE, ALIAS, CTE_NAME, AFTER_CTE_NAME, QUAL, FREE = range(9)
# Character modes.
NORMAL, WORD, QUOTED, QUOTE_END, STRING, STRING_END, NUMBER, LINE_COMMENT, BLOCK_COMMENT = range(9)
_CLOSE_QUOTE = {'"': '"', "`": "`", "[": "]"}


class _Level:
    """One bracket level: a (sub)query or an expression in brackets."""

    __slots__ = ("query", "has_from", "in_from", "in_on", "in_with", "tables", "close_to", "free")

    def __init__(self, close_to=AFTER, free=False):
        self.query = self.has_from = self.in_from = self.in_on = self.in_with = False
        self.tables: tuple = ()  # table names read by this query; None for a CTE or a subquery
        self.close_to, self.free = close_to, free

    def copy(self) -> _Level:
        new = _Level.__new__(_Level)
        new.query, new.has_from, new.in_from, new.in_with = self.query, self.has_from, self.in_from, self.in_with
        new.in_on = self.in_on
        new.tables, new.close_to, new.free = self.tables, self.close_to, self.free
        return new


def _ident_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or ch == "$" or ord(ch) > 127


class _CharScanner:
    """What both scanners share: a text is fed one character at a time."""

    __slots__ = ()

    def feed(self, ch: str) -> bool:
        raise NotImplementedError

    def feed_text(self, text: str) -> bool:
        """Feed every character; False at the first one that leaves the schema."""
        for ch in text:  # a plain loop: this runs for every probed token
            if not self.feed(ch):
                return False
        return True


class SqlScanner(_CharScanner):
    """Incremental SQL lexer over one statement; `feed(ch)` is False where `ch` leaves the schema.

    After a False the scanner's state is undefined: callers probe on a `copy()`. `dead` turns
    every later check off (after `;`, or set by a caller that let a rejected text through).
    """

    __slots__ = ("db", "levels", "expect", "mode", "word", "quote", "checked", "fams", "dyn", "forward", "unsure",
                 "last_word", "need_dot", "need_paren", "qualifier", "last_table", "aliases", "ctes", "outs", "dash",
                 "slash", "saved", "star", "dead")

    def __init__(self, db: DbNames):
        self.db = db
        top = _Level()
        top.query = True  # the statement itself: a query, FROM not yet seen
        self.levels = [top]
        self.expect, self.mode = EXPR, NORMAL
        self.word, self.quote, self.checked, self.unsure = "", "", False, False
        self.fams: tuple = ()
        self.dyn: tuple = ()
        self.forward = False
        self.last_word = None
        self.need_dot = self.need_paren = False
        self.qualifier = None
        self.last_table = None
        self.aliases: dict = {}  # alias -> table name (None: a CTE or subquery)
        self.ctes: set = set()
        self.outs: set = set()  # output column aliases (SELECT ... AS x)
        self.dash = self.slash = self.star = False
        self.saved = EXPR
        self.dead = False

    def copy(self) -> SqlScanner:
        """An independent scanner in the same state (for probing: copies are made once per checked token)."""
        new = SqlScanner.__new__(SqlScanner)
        new.db, new.expect, new.mode, new.word, new.quote = self.db, self.expect, self.mode, self.word, self.quote
        new.checked, new.fams, new.dyn, new.forward, new.unsure = self.checked, self.fams, self.dyn, self.forward, \
            self.unsure
        new.last_word, new.need_dot, new.qualifier, new.last_table = self.last_word, self.need_dot, self.qualifier, \
            self.last_table
        new.need_paren = self.need_paren
        new.dash, new.slash, new.saved, new.star, new.dead = self.dash, self.slash, self.saved, self.star, self.dead
        new.levels = [lv.copy() for lv in self.levels]
        new.aliases, new.ctes, new.outs = dict(self.aliases), set(self.ctes), set(self.outs)
        return new

    def can_end(self) -> bool:
        """Whether the SQL may stop here (no unfinished name)."""
        if self.dead:
            return True
        if self.mode == QUOTED:
            return not self.checked
        end = self.copy()
        # A word must be complete, and FROM / JOIN / `T1.` must have their name.
        return end.feed(" ") and not end.need_dot and not end.need_paren and end.expect not in (TABLE, QUAL)

    # -- characters ---------------------------------------------------------------------------

    def feed(self, ch: str) -> bool:
        if self.dead:
            return True
        m = self.mode
        if m == WORD:
            if _ident_char(ch):
                self.word += ch.lower()
                return self._prefix_ok()
            self.mode = NORMAL
            if not self._end_word(self.word, quoted=False):
                return False
            return self._normal(ch)
        if m == QUOTED:
            if ch == self.quote:
                if self.quote == "]":
                    self.mode = NORMAL
                    return self._end_quoted()
                self.mode = QUOTE_END
                return True
            self.word += ch.lower()
            return self._prefix_ok()
        if m == QUOTE_END:
            if ch == self.quote:  # a doubled quote is a quote character in the name
                self.mode = QUOTED
                self.word += ch
                return self._prefix_ok()
            self.mode = NORMAL
            if not self._end_quoted():
                return False
            return self._normal(ch)
        if m == STRING:
            if ch == "'":
                self.mode = STRING_END
            return True
        if m == STRING_END:
            if ch == "'":
                self.mode = STRING
                return True
            self.mode, self.expect = NORMAL, AFTER
            return self._normal(ch)
        if m == NUMBER:
            if self.word == ".":  # a number written as .5
                self.word = ""
                return ch.isdigit()
            if ch.isalnum() or ch in "_.":
                return True
            self.mode, self.expect = NORMAL, AFTER
            return self._normal(ch)
        if m == LINE_COMMENT:
            if ch == "\n":
                self.mode, self.expect = NORMAL, self.saved
            return True
        if m == BLOCK_COMMENT:
            if self.star and ch == "/":
                self.mode, self.expect = NORMAL, self.saved
            self.star = ch == "*"
            return True
        return self._normal(ch)

    def _normal(self, ch: str) -> bool:
        last, self.last_word = self.last_word, None
        dash, slash = self.dash, self.slash
        self.dash = self.slash = False
        if self.need_dot:
            if ch != ".":
                return False
            self.need_dot = False
        if self.need_paren:  # a function's name: its arguments follow
            if ch.isspace():
                return True
            if ch != "(":
                return False
            self.need_paren = False
        if ch == ".":
            if last is not None:
                self.expect, self.qualifier = QUAL, last
                return True
            # Only a table, alias or CTE name qualifies (not a column, keyword, `db.table` or `a.b.c`);
            # in an operand's place a number may start with a dot.
            if self.expect == EXPR:
                self.mode, self.word = NUMBER, "."
                return True
            return self.expect == FREE
        if ch.isspace():
            return True
        e = self.expect
        if e == QUAL and not (ch.isalpha() or ch in '_"`[*' or ord(ch) > 127):  # `T1.` needs its column
            return False
        if e == TABLE and not (ch.isalpha() or ch in '_"`[(' or ord(ch) > 127):  # FROM needs its table
            return False
        if ch.isalpha() or ch == "_" or ord(ch) > 127:
            self.mode, self.word, self.quote = WORD, ch.lower(), ""
            self._start_word(check_dq=True)
            return self._prefix_ok()
        if ch.isdigit():
            self.mode = NUMBER
            return True
        if ch == "'":
            self.mode = STRING
            return True
        if ch in _CLOSE_QUOTE:
            self.mode, self.word, self.quote = QUOTED, "", _CLOSE_QUOTE[ch]
            self._start_word(check_dq=ch != '"')
            return self._prefix_ok()
        if e == FREE:
            if ch == "(":
                self.levels.append(_Level(FREE, free=True))
            elif ch == ")" and len(self.levels) > 1:
                self.expect = self.levels.pop().close_to
            return True
        if ch == "(":
            self._open()
        elif ch == ")":
            if len(self.levels) > 1:
                self.expect = self.levels.pop().close_to
                if self.expect == AFTER_TABLE:
                    self.last_table = None
            else:
                self.expect = AFTER
        elif ch == ",":
            lv = self.levels[-1]
            self.expect = FREE if lv.free else TABLE if lv.in_from else CTE_NAME if lv.in_with else EXPR
        elif ch == ";":
            self.dead = True  # a second statement fails the answer anyway (the sandbox runs one)
        elif ch == "-":
            if dash:
                self.mode = LINE_COMMENT  # `expect` comes back from `saved` at the line's end
            else:
                self.saved, self.dash, self.expect = e, True, EXPR
        elif ch == "/":
            self.saved, self.slash, self.expect = e, True, EXPR
        elif ch == "*":
            if slash:
                self.mode, self.star = BLOCK_COMMENT, False
            else:  # SELECT * / count(*) / T1.*: an operand; a * b: an operator
                self.expect = AFTER if e in (EXPR, QUAL) else EXPR
        elif ch == "?":
            self.expect = AFTER
        else:
            self.expect = EXPR
        return True

    def _open(self) -> None:
        e, parent = self.expect, self.levels[-1]
        if e == TABLE:  # a subquery (or bracketed join) read as a table: its columns are not known here
            parent.tables = parent.tables + (None,)
            self.levels.append(_Level(AFTER_TABLE))
        elif e == AFTER_CTE_NAME:  # the CTE's column list: new names
            self.levels.append(_Level(AFTER_CTE_NAME, free=True))
            self.expect = FREE
            return
        else:
            self.levels.append(_Level(AFTER))
        self.expect = EXPR

    # -- words ----------------------------------------------------------------------------------

    def _start_word(self, check_dq: bool) -> None:
        """Fix which names the word now starting may grow into."""
        e = self.expect
        self.unsure, self.forward, self.dyn, self.fams = False, False, (), ()
        self.checked = e in (EXPR, TABLE, QUAL) and (check_dq or e != EXPR)
        if not self.checked:
            return
        db = self.db
        if e == TABLE:
            self.fams, self.dyn = (db.tables,), tuple(self.ctes)
        elif e == QUAL:
            self.fams, self.dyn = self._qualified_columns()
        else:
            cols, self.forward = self._visible_columns()
            fams = (cols, db.tables)
            self.fams = (KEYWORD_NAMES,) + fams if not self.quote else fams
            self.dyn = tuple(self.ctes) + tuple(self.aliases) + tuple(self.outs)

    def _prefix_ok(self) -> bool:
        if not self.checked or self.unsure:
            return True
        w = self.word
        if "\ufffd" in w:  # part of a multi-byte character: checkable once the character is whole
            self.unsure = True
            return self.db.non_ascii
        for f in self.fams:
            if w in f.prefixes:
                return True
        for n in self.dyn:
            if n.startswith(w):
                return True
        return self.forward and not self.quote and FORWARD_ALIAS.fullmatch(w) is not None

    def _end_quoted(self) -> bool:
        w = self.word
        if not self.checked and self.expect == EXPR:  # "text" in an expression: a string or a name
            self.expect = AFTER
            self.last_word = w if self._qualifies(w, self._visible_columns()[1]) else None
            return True
        return self._end_word(w, quoted=True)

    def _end_word(self, w: str, quoted: bool) -> bool:
        """The word `w` is complete: check it and move on."""
        e = self.expect
        if e == EXPR:
            kind = self._expr_word(w, quoted)
            if kind is None:
                return False
            if kind == _QUALIFIER:
                self.need_dot = True
            return True
        if e == TABLE:
            if not self.unsure and w not in self.db.tables.full and w not in self.ctes:
                return False
            target = None if w in self.ctes else w
            lv = self.levels[-1]
            lv.tables = lv.tables + (target,)
            self.last_table, self.expect = target, AFTER_TABLE
            return True
        if e == QUAL:
            fams, dyn = self._qualified_columns()
            if not self.unsure and not any(w in f.full for f in fams) and w not in dyn:
                return False
            self.expect = AFTER
            return True
        if e in (AFTER, AFTER_TABLE, AFTER_CTE_NAME) and not quoted and w in KEYWORDS:
            self._keyword(w)
            return True
        if e == AFTER_TABLE:  # FROM singer s: a table alias
            self.aliases[w] = self.last_table
            self.expect = AFTER
        elif e == ALIAS:
            if self.levels[-1].in_from:
                self.aliases[w] = self.last_table
            else:
                self.outs.add(w)
            self.expect = AFTER
        elif e == AFTER:  # SELECT count(*) n: an output alias
            self.outs.add(w)
        elif e == CTE_NAME:
            if w != "recursive":
                self.ctes.add(w)
                self.expect = AFTER_CTE_NAME
        elif e == AFTER_CTE_NAME:
            self.expect = AFTER
        elif e == FREE:  # a CTE's column list: names the query may use
            self.outs.add(w)
        return True

    def _expr_word(self, w: str, quoted: bool):
        """How a word in an expression is read: an operand, a qualifier, or None (not a name here)."""
        if self.unsure:
            self.expect, self.last_word = AFTER, w
            return _OPERAND
        cols, forward = self._visible_columns()
        if w in cols.full or w in self.outs:  # a column; also a table name maybe, then `.` may follow
            self.expect = AFTER
            self.last_word = w if self._qualifies(w, forward) else None
            return _OPERAND
        if not quoted:
            if w in KEYWORDS:
                self._keyword(w)
                return _OPERAND
            if w in FUNCTIONS:
                self.expect, self.need_paren = EXPR, True
                return _OPERAND
        if self._qualifies(w, forward and not quoted):
            self.expect, self.last_word = AFTER, w
            return _QUALIFIER
        return None

    def _qualifies(self, w: str, forward: bool) -> bool:
        """Whether `w.` may follow: a table, alias or CTE name, or an alias declared further on."""
        return (w in self.aliases or w in self.ctes or w in self.db.tables.full
                or (forward and FORWARD_ALIAS.fullmatch(w) is not None))

    def _keyword(self, w: str) -> None:
        lv = self.levels[-1]
        if w == "select":
            lv.query, lv.has_from, lv.in_with = True, False, False
        if w in ENDS_FROM:
            lv.in_from = False
        if w in ENDS_FROM or w == "join":
            lv.in_on = w == "on"
        if w == "from":
            lv.in_from = lv.has_from = True
            self.expect = TABLE
        elif w == "join":
            lv.in_from = True
            self.expect = TABLE
        elif w == "as":
            self.expect = ALIAS
        elif w == "with":
            lv.in_with = True
            self.expect = CTE_NAME
        elif w in OPERAND_KEYWORDS:
            self.expect = AFTER
        else:
            self.expect = EXPR

    def _query_chain(self) -> list[_Level]:
        return [lv for lv in self.levels if lv.query]

    def _visible_columns(self) -> tuple[Names, bool]:
        """(columns a bare name may be, whether an alias may still be declared later)."""
        chain = self._query_chain()
        # Before the FROM, and in an ON clause (SQLite lets it name tables joined further on),
        # any column may be meant and an alias may still be declared.
        if not chain or any(not q.has_from for q in chain) or chain[-1].in_on:
            return self.db.all_columns, True
        tables = [t for q in chain for t in q.tables]
        if None in tables:  # a CTE or subquery: its columns are not known here
            return self.db.all_columns, False
        return self.db.columns_of(tuple(tables)), False

    def _qualified_columns(self) -> tuple[tuple, tuple]:
        """(name sets, declared names) a column after `qualifier.` may be."""
        q = self.qualifier
        if q in self.aliases:
            target = self.aliases[q]
        elif q in self.ctes:
            target = None
        else:
            target = q if q in self.db.columns else None
        if target is not None:
            return (self.db.columns_of((target,)),), ()
        return (self.db.all_columns,), tuple(self.outs)


class RegionScanner(_CharScanner):
    """Finds the SQL in an assistant turn as it is written and runs a `SqlScanner` over it.

    `fence`: SQL is inside ```sql ... ``` blocks. Otherwise inside <tag> ... </tag> for the
    given tags (a ```sql block inside such a tag is read as a block). Text outside is free.
    The characters that may be the start of the closing marker are held back from the SQL
    scanner until they turn out to be (or not to be) the marker.
    """

    __slots__ = ("db", "fence", "tags", "tail", "inside", "pending", "closer", "held", "sql")

    _FENCE_OPEN = re.compile(r"```[ \t]*(?:sql|sqlite)?[ \t]*\n\Z", re.I)

    def __init__(self, db: DbNames, fence: bool = True, tags: tuple[str, ...] = ()):
        self.db, self.fence, self.tags = db, fence, tuple(tags)
        self.tail = ""
        self.inside = self.pending = False
        self.closer = self.held = ""
        self.sql: SqlScanner | None = None

    def copy(self) -> RegionScanner:
        new = RegionScanner.__new__(RegionScanner)
        new.db, new.fence, new.tags, new.tail, new.inside = self.db, self.fence, self.tags, self.tail, self.inside
        new.pending, new.closer, new.held = self.pending, self.closer, self.held
        new.sql = None if self.sql is None else self.sql.copy()
        return new

    @property
    def constraining(self) -> bool:
        """Whether a character written now could be refused."""
        return self.inside and not self.sql.dead

    def can_end(self) -> bool:
        return not self.inside or self.sql.can_end()

    def kill(self) -> None:
        """Stop checking the current SQL (it went somewhere the scanner cannot follow)."""
        if self.sql is not None:
            self.sql.dead = True

    def feed(self, ch: str) -> bool:
        if self.inside:
            if not self.held and ch != self.closer[0]:  # the common case: plain SQL
                return self.sql.feed(ch)
            s = self.held + ch
            if s == self.closer:
                ok = self.sql.can_end()
                self.inside, self.held, self.tail, self.sql = False, "", "", None
                return ok
            if self.closer.startswith(s):
                # Held back: it must be able to end the SQL here, or else be SQL itself (a backquote, a `<`).
                if not self.sql.can_end() and not self.sql.copy().feed_text(s):
                    return False
                self.held = s
                return True
            k = next((i for i in range(1, len(s)) if self.closer.startswith(s[i:])), len(s))
            self.held = s[k:]
            return self.sql.feed_text(s[:k])
        if self.pending:  # after <tag>: a ``` block or bare SQL
            if ch.isspace():
                return True
            self.pending = False
            if ch != "`":
                self._open(self.closer)
                return self.feed(ch)
        self.tail = (self.tail + ch)[-24:]
        if ch == "\n" and self._FENCE_OPEN.search(self.tail):
            self._open("```")
        elif ch == ">":
            for t in self.tags:
                if self.tail.endswith(f"<{t}>"):
                    self.pending, self.closer = True, f"</{t}>"
        return True

    def _open(self, closer: str) -> None:
        self.inside, self.closer, self.held = True, closer, ""
        self.sql = SqlScanner(self.db)
