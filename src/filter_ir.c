/*-------------------------------------------------------------------------
 *
 * filter_ir.c
 *	  Building blocks of filter trees: allocation, normalization, flat
 *	  keys, literals, ISO-8601 timestamps, buffers, errors and the JSON
 *	  rendering that filter_explain shows.
 *
 * Free of backend dependencies (see filter.h).
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/filter_ir.c
 *
 *-------------------------------------------------------------------------
 */
#include "filter.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Zeroed memory from the filter allocator. */
void *
filter_alloc(FilterAlloc *a, size_t size)
{
	void	   *p = a->alloc(a->ctx, size == 0 ? 1 : size);

	memset(p, 0, size == 0 ? 1 : size);
	return p;
}

/* A NUL-terminated copy of len bytes. */
char *
filter_strndup(FilterAlloc *a, const char *s, size_t len)
{
	char	   *p = a->alloc(a->ctx, len + 1);

	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* A new node of the given operator, every other field zero. */
FilterNode *
filter_node(FilterAlloc *a, FilterOp op)
{
	FilterNode *n = filter_alloc(a, sizeof(FilterNode));

	n->op = op;
	return n;
}

/* A logic node (FOP_AND, FOP_OR) over a copy of args. */
FilterNode *
filter_logic(FilterAlloc *a, FilterOp op, FilterNode **args, int nargs)
{
	FilterNode *n = filter_node(a, op);

	n->nargs = nargs;
	n->args = filter_alloc(a, sizeof(FilterNode *) * (size_t) nargs);
	if (nargs > 0)
		memcpy(n->args, args, sizeof(FilterNode *) * (size_t) nargs);
	return n;
}

/* NOT arg. */
FilterNode *
filter_not(FilterAlloc *a, FilterNode *arg)
{
	FilterNode *n = filter_node(a, FOP_NOT);

	n->nargs = 1;
	n->args = filter_alloc(a, sizeof(FilterNode *));
	n->args[0] = arg;
	return n;
}

/* Count the arguments an AND/OR contributes after flattening into op. */
static int
flattened_count(const FilterNode *n, FilterOp op)
{
	int			i,
				count = 0;

	for (i = 0; i < n->nargs; i++)
	{
		if (n->args[i]->op == op)
			count += flattened_count(n->args[i], op);
		else
			count++;
	}
	return count;
}

/* Append the flattened arguments of n into out. */
static void
flatten_into(const FilterNode *n, FilterOp op, FilterNode **out, int *count)
{
	int			i;

	for (i = 0; i < n->nargs; i++)
	{
		if (n->args[i]->op == op)
			flatten_into(n->args[i], op, out, count);
		else
			out[(*count)++] = n->args[i];
	}
}

/*
 * Normalize a tree: nested ANDs and ORs are flattened, TRUE is dropped from
 * ANDs and absorbs ORs, a one-argument AND/OR is its argument, an empty AND
 * is TRUE and NOT NOT x is x.  Trees are at most FILTER_MAX_DEPTH deep (the
 * parsers refuse deeper ones), so the recursion is bounded.
 */
FilterNode *
filter_normalize(FilterAlloc *a, FilterNode *node)
{
	int			i,
				n,
				kept;
	FilterNode **args;

	switch (node->op)
	{
		case FOP_NOT:
			node->args[0] = filter_normalize(a, node->args[0]);
			if (node->args[0]->op == FOP_NOT)
				return node->args[0]->args[0];
			return node;

		case FOP_AND:
		case FOP_OR:
			for (i = 0; i < node->nargs; i++)
				node->args[i] = filter_normalize(a, node->args[i]);
			n = flattened_count(node, node->op);
			args = filter_alloc(a, sizeof(FilterNode *) * (size_t) (n > 0 ? n : 1));
			kept = 0;
			flatten_into(node, node->op, args, &kept);
			n = 0;
			for (i = 0; i < kept; i++)
			{
				if (args[i]->op == FOP_TRUE)
				{
					if (node->op == FOP_OR)
						return args[i];
					continue;
				}
				args[n++] = args[i];
			}
			if (n == 0)
				return filter_node(a, FOP_TRUE);
			if (n == 1)
				return args[0];
			node->args = args;
			node->nargs = n;
			return node;

		default:
			return node;
	}
}

/*
 * The first node of a tree that lies more than limit levels deep (an atom
 * is one level), or NULL.  The recursion is bounded by limit.
 */
static const FilterNode *
too_deep(const FilterNode *n, int limit)
{
	int			i;

	if (limit == 0)
		return n;
	if (n->op == FOP_AND || n->op == FOP_OR || n->op == FOP_NOT)
		for (i = 0; i < n->nargs; i++)
		{
			const FilterNode *deep = too_deep(n->args[i], limit - 1);

			if (deep)
				return deep;
		}
	return NULL;
}

/* The position of the first atom of a tree. */
static int
first_position(const FilterNode *n)
{
	while (n->op == FOP_AND || n->op == FOP_OR || n->op == FOP_NOT)
		n = n->args[0];
	return n->position;
}

/*
 * Refuse a normalized tree deeper than FILTER_MAX_DEPTH levels (node, or
 * NULL with err set).  The parsers bound their own nesting, but
 * normalization can make two levels of one (not.or(...) in the pairs
 * dialect, parentheses holding both an OR and an AND in the text dialect),
 * so the result is checked apart.  NULL node passes through.
 */
FilterNode *
filter_check_depth(FilterError *err, FilterNode *node)
{
	const FilterNode *deep;

	if (node == NULL)
		return NULL;
	deep = too_deep(node, FILTER_MAX_DEPTH);
	if (!deep)
		return node;
	filter_error(err, FILTER_ERR_LIMIT, first_position(deep), NULL,
				 "filter is nested too deeply");
	filter_error_detail(err, "The maximum nesting depth is %d.", FILTER_MAX_DEPTH);
	return NULL;
}

/* Is the key a flat-key separator at s[i] (".", or "__" when asked)? */
static size_t
separator_at(const char *s, size_t len, size_t i, bool double_underscore)
{
	if (s[i] == '.')
		return 1;
	if (double_underscore && i + 1 < len && s[i] == '_' && s[i + 1] == '_')
		return 2;
	return 0;
}

/*
 * Bytes of at most 40 characters of UTF-8 text s (user text quoted in a
 * message is clipped there); *more says whether text was left out.
 */
static int
clip_len(const char *s, size_t len, bool *more)
{
	size_t		i = 0;
	int			chars = 0;

	while (i < len && chars < 40)
	{
		i++;
		while (i < len && ((unsigned char) s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	*more = i < len;
	return (int) i;
}

/*
 * Split a flat key as the API shows it into unescaped segments: "." (and
 * "__" when double_underscore) separates, "\." and "\\" (and "\_") escape.
 */
bool
filter_key_parse(FilterAlloc *a, const char *s, size_t len,
				 bool double_underscore, FilterKey *key, FilterError *err)
{
	FilterBuf	seg;
	FilterSeg  *segs;
	int			cap = 4,
				n = 0;
	size_t		i = 0;

	segs = filter_alloc(a, sizeof(FilterSeg) * (size_t) cap);
	filter_buf_init(&seg, a);
	for (;;)
	{
		size_t		sep = i < len ? separator_at(s, len, i, double_underscore) : 0;

		if (i == len || sep > 0)
		{
			if (n == cap)
			{
				FilterSeg  *bigger = filter_alloc(a, sizeof(FilterSeg) * (size_t) cap * 2);

				memcpy(bigger, segs, sizeof(FilterSeg) * (size_t) cap);
				segs = bigger;
				cap *= 2;
			}
			segs[n].s = filter_strndup(a, seg.data, seg.len);
			segs[n].len = (int) seg.len;
			n++;
			seg.len = 0;
			seg.data[0] = '\0';
			if (i == len)
				break;
			i += sep;
			continue;
		}
		if (s[i] == '\\')
		{
			if (i + 1 < len && (s[i + 1] == '\\' || s[i + 1] == '.' ||
								(double_underscore && s[i + 1] == '_')))
			{
				filter_buf_appendc(&seg, s[i + 1]);
				i += 2;
				continue;
			}
			{
				bool		more;
				int			shown = clip_len(s, len, &more);

				return filter_error(err, FILTER_ERR_VALUE, 0,
									"Write \\. for a dot and \\\\ for a backslash inside a key segment.",
									"invalid escape in flat key \"%.*s%s\"", shown, s,
									more ? "..." : "");
			}
		}
		filter_buf_appendc(&seg, s[i++]);
	}
	key->nsegs = n;
	key->segs = segs;
	key->text = filter_strndup(a, s, len);
	return true;
}

/* Append one segment to buf, escaped as flat keys write it. */
static void
append_escaped_segment(FilterBuf *buf, const char *s, int len)
{
	int			i;

	for (i = 0; i < len; i++)
	{
		if (s[i] == '.' || s[i] == '\\')
			filter_buf_appendc(buf, '\\');
		filter_buf_appendc(buf, s[i]);
	}
}

/* Build a key from segments; its text is the canonical escaped flat key. */
void
filter_key_from_segments(FilterAlloc *a, FilterKey *key, const FilterSeg *segs,
						 int nsegs)
{
	FilterBuf	text;
	int			i;

	key->nsegs = nsegs;
	key->segs = filter_alloc(a, sizeof(FilterSeg) * (size_t) (nsegs > 0 ? nsegs : 1));
	filter_buf_init(&text, a);
	for (i = 0; i < nsegs; i++)
	{
		key->segs[i].s = filter_strndup(a, segs[i].s, (size_t) segs[i].len);
		key->segs[i].len = segs[i].len;
		if (i > 0)
			filter_buf_appendc(&text, '.');
		append_escaped_segment(&text, segs[i].s, segs[i].len);
	}
	key->text = text.data;
}

/* Append the canonical flat key (segments escaped, joined with "."). */
void
filter_key_append_text(FilterBuf *buf, const FilterKey *key)
{
	int			i;

	for (i = 0; i < key->nsegs; i++)
	{
		if (i > 0)
			filter_buf_appendc(buf, '.');
		append_escaped_segment(buf, key->segs[i].s, key->segs[i].len);
	}
}

/* Is c an ASCII digit? */
static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Validate a number and store its canonical JSON text: an optional minus,
 * digits without leading zeros, an optional fraction and exponent.  ".5"
 * reads as "0.5" and "+5" as "5".  Exponents beyond +-1000 are refused.
 */
bool
filter_number_canonical(FilterAlloc *a, const char *s, size_t len, FilterValue *out)
{
	FilterBuf	buf;
	size_t		i = 0,
				start;
	long		exponent = 0;
	bool		ok = true;

	filter_buf_init(&buf, a);
	if (i < len && (s[i] == '-' || s[i] == '+'))
	{
		if (s[i] == '-')
			filter_buf_appendc(&buf, '-');
		i++;
	}
	start = i;
	while (i < len && is_digit(s[i]))
		i++;
	if (i == start)
	{
		if (!(i < len && s[i] == '.'))
			ok = false;
		filter_buf_appendc(&buf, '0');
	}
	else
	{
		/* Drop leading zeros but keep one digit. */
		while (start + 1 < i && s[start] == '0')
			start++;
		filter_buf_append(&buf, s + start, i - start);
	}
	if (ok && i < len && s[i] == '.')
	{
		start = ++i;
		while (i < len && is_digit(s[i]))
			i++;
		if (i == start)
			ok = false;
		else
		{
			filter_buf_appendc(&buf, '.');
			filter_buf_append(&buf, s + start, i - start);
		}
	}
	if (ok && i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		bool		negative = false;

		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			negative = s[i++] == '-';
		start = i;
		while (i < len && is_digit(s[i]))
		{
			if (exponent <= 100000)
				exponent = exponent * 10 + (s[i] - '0');
			i++;
		}
		if (i == start)
			ok = false;
		else
			filter_buf_printf(&buf, "e%s%ld", negative ? "-" : "", exponent);
	}
	if (!ok || i != len || exponent > 1000)
		return false;
	/* "-0" is 0. */
	if (strcmp(buf.data, "-0") == 0)
		buf.data = "0";
	out->type = FV_NUMBER;
	out->loose = false;
	out->str = buf.data;
	out->len = (int) strlen(buf.data);
	return true;
}

/* A string literal. */
void
filter_value_string(FilterAlloc *a, const char *s, size_t len, bool loose,
					FilterValue *out)
{
	out->type = FV_STRING;
	out->loose = loose;
	out->str = filter_strndup(a, s, len);
	out->len = (int) len;
}

/* Bytes of the UTF-8 character led by c (the input is valid UTF-8). */
size_t
filter_utf8_char_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	return 4;
}

/*
 * Copy at most FILTER_CLIP_CHARS characters of s into buf (FILTER_CLIP_BUF
 * bytes), followed by "..." when the text is longer: the user text a message
 * quotes.  Returns buf.
 */
const char *
filter_clip(char *buf, const char *s, size_t len)
{
	size_t		i = 0;
	int			chars = 0;

	while (i < len && chars < FILTER_CLIP_CHARS)
	{
		size_t		n = filter_utf8_char_len((unsigned char) s[i]);

		if (i + n > len)
			n = len - i;
		i += n;
		chars++;
	}
	memcpy(buf, s, i);
	if (i < len)
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

/* Is s well-formed UTF-8 without NUL bytes? */
bool
filter_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = p[i];
		int			n,
					k;
		uint32_t	cp;

		if (c == 0)
			return false;
		if (c < 0x80)
		{
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0)
			n = 1, cp = c & 0x1F;
		else if ((c & 0xF0) == 0xE0)
			n = 2, cp = c & 0x0F;
		else if ((c & 0xF8) == 0xF0)
			n = 3, cp = c & 0x07;
		else
			return false;
		for (k = 1; k <= n; k++)
		{
			if (i + (size_t) k >= len || (p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
			(n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
			(cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += (size_t) n + 1;
	}
	return true;
}

/* The 1-based character position of a byte offset in UTF-8 text. */
int
filter_utf8_position(const char *s, size_t byte_offset)
{
	size_t		i;
	int			pos = 1;

	for (i = 0; i < byte_offset; i++)
		if (((unsigned char) s[i] & 0xC0) != 0x80)
			pos++;
	return pos;
}

/* Read exactly n digits at s[*i] into *v. */
static bool
read_digits(const char *s, size_t len, size_t *i, int n, int *v)
{
	int			k;

	*v = 0;
	for (k = 0; k < n; k++)
	{
		if (*i >= len || !is_digit(s[*i]))
			return false;
		*v = *v * 10 + (s[(*i)++] - '0');
	}
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Days in a month of a year. */
static int
days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/*
 * Parse an ISO-8601 timestamp: YYYY-MM-DD, optionally followed by "T" or a
 * space, HH:MM, optional :SS and fraction, and an optional zone (Z, +HH,
 * +HHMM, +HH:MM).  A timestamp without a zone is UTC.  Returns microseconds
 * since 1970-01-01 00:00 UTC.
 */
bool
filter_parse_timestamp(const char *s, size_t len, int64_t *usec)
{
	size_t		i = 0;
	int			y,
				mo,
				d,
				h = 0,
				mi = 0,
				sec = 0,
				zh = 0,
				zm = 0;
	int64_t		frac = 0,
				scale = 100000,
				total;
	int			zsign = 0;

	if (!read_digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' ||
		!read_digits(s, len, &i, 2, &mo) || i >= len || s[i++] != '-' ||
		!read_digits(s, len, &i, 2, &d))
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	if (i < len)
	{
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return false;
		i++;
		if (!read_digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
			!read_digits(s, len, &i, 2, &mi))
			return false;
		if (i < len && s[i] == ':')
		{
			i++;
			if (!read_digits(s, len, &i, 2, &sec))
				return false;
			if (i < len && (s[i] == '.' || s[i] == ','))
			{
				size_t		start = ++i;

				while (i < len && is_digit(s[i]))
				{
					if (scale > 0)
					{
						frac += (s[i] - '0') * scale;
						scale /= 10;
					}
					i++;
				}
				if (i == start)
					return false;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return false;
		if (i < len)
		{
			if (s[i] == 'Z' || s[i] == 'z')
				i++;
			else if (s[i] == '+' || s[i] == '-')
			{
				zsign = s[i++] == '-' ? -1 : 1;
				if (!read_digits(s, len, &i, 2, &zh))
					return false;
				if (i < len && s[i] == ':')
					i++;
				if (i < len && !read_digits(s, len, &i, 2, &zm))
					return false;
				if (zh > 15 || zm > 59)
					return false;
			}
			else
				return false;
		}
	}
	if (i != len)
		return false;
	total = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	total -= (int64_t) zsign * (zh * 3600 + zm * 60);
	*usec = total * 1000000 + frac;
	return true;
}

/* Start an empty buffer. */
void
filter_buf_init(FilterBuf *buf, FilterAlloc *a)
{
	buf->a = a;
	buf->cap = 64;
	buf->len = 0;
	buf->data = a->alloc(a->ctx, buf->cap);
	buf->data[0] = '\0';
}

/* Make room for extra more bytes and the terminating NUL. */
static void
buf_reserve(FilterBuf *buf, size_t extra)
{
	char	   *bigger;
	size_t		cap = buf->cap;

	if (buf->len + extra + 1 <= buf->cap)
		return;
	while (buf->len + extra + 1 > cap)
		cap *= 2;
	bigger = buf->a->alloc(buf->a->ctx, cap);
	memcpy(bigger, buf->data, buf->len + 1);
	buf->data = bigger;
	buf->cap = cap;
}

/* Append len bytes. */
void
filter_buf_append(FilterBuf *buf, const char *s, size_t len)
{
	buf_reserve(buf, len);
	if (len > 0)
		memcpy(buf->data + buf->len, s, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

/* Append a NUL-terminated string. */
void
filter_buf_appends(FilterBuf *buf, const char *s)
{
	filter_buf_append(buf, s, strlen(s));
}

/* Append one byte. */
void
filter_buf_appendc(FilterBuf *buf, char c)
{
	filter_buf_append(buf, &c, 1);
}

/* Append formatted text. */
void
filter_buf_printf(FilterBuf *buf, const char *fmt,...)
{
	va_list		args;
	int			needed;

	va_start(args, fmt);
	needed = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (needed < 0)
		return;
	buf_reserve(buf, (size_t) needed);
	va_start(args, fmt);
	vsnprintf(buf->data + buf->len, (size_t) needed + 1, fmt, args);
	va_end(args);
	buf->len += (size_t) needed;
}

/*
 * Append a double-quoted string literal that both JSON and jsonpath read
 * back as exactly s: quotes, backslashes and control characters escaped.
 */
void
filter_buf_append_json_string(FilterBuf *buf, const char *s, size_t len)
{
	size_t		i;

	filter_buf_appendc(buf, '"');
	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		switch (c)
		{
			case '"':
				filter_buf_append(buf, "\\\"", 2);
				break;
			case '\\':
				filter_buf_append(buf, "\\\\", 2);
				break;
			case '\n':
				filter_buf_append(buf, "\\n", 2);
				break;
			case '\t':
				filter_buf_append(buf, "\\t", 2);
				break;
			case '\r':
				filter_buf_append(buf, "\\r", 2);
				break;
			default:
				if (c < 0x20 || c == 0x7F)
					filter_buf_printf(buf, "\\u%04x", c);
				else
					filter_buf_appendc(buf, (char) c);
		}
	}
	filter_buf_appendc(buf, '"');
}

/* Fill err and return false, so that parsers can "return filter_error(...)". */
bool
filter_error(FilterError *err, FilterErrorKind kind, int position,
			 const char *hint, const char *fmt,...)
{
	va_list		args;

	err->kind = kind;
	err->position = position;
	va_start(args, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, args);
	va_end(args);
	err->detail[0] = '\0';
	if (hint)
		snprintf(err->hint, sizeof(err->hint), "%s", hint);
	else
		err->hint[0] = '\0';
	return false;
}

/* Set the detail of an error already reported. */
void
filter_error_detail(FilterError *err, const char *fmt,...)
{
	va_list		args;

	va_start(args, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, args);
	va_end(args);
}

/* The name of an operator in filter_explain's normalized form. */
const char *
filter_op_name(FilterOp op)
{
	switch (op)
	{
		case FOP_TRUE:
			return "true";
		case FOP_AND:
			return "and";
		case FOP_OR:
			return "or";
		case FOP_NOT:
			return "not";
		case FOP_EQ:
			return "eq";
		case FOP_NE:
			return "ne";
		case FOP_LT:
			return "lt";
		case FOP_LE:
			return "le";
		case FOP_GT:
			return "gt";
		case FOP_GE:
			return "ge";
		case FOP_IN:
			return "in";
		case FOP_CONTAINS_ALL:
			return "contains_all";
		case FOP_CONTAINS:
			return "contains";
		case FOP_ICONTAINS:
			return "icontains";
		case FOP_STARTSWITH:
			return "startswith";
		case FOP_ENDSWITH:
			return "endswith";
		case FOP_IEXACT:
			return "iexact";
		case FOP_LIKE:
			return "like";
		case FOP_ILIKE:
			return "ilike";
		case FOP_REGEX:
			return "regex";
		case FOP_EXISTS:
			return "exists";
		case FOP_EMPTY:
			return "empty";
		case FOP_IS_NULL:
			return "is_null";
		case FOP_IS_TRUE:
			return "is_true";
		case FOP_IS_FALSE:
			return "is_false";
		case FOP_MOD:
			return "mod";
		case FOP_WITHIN:
			return "within";
		case FOP_AGE:
			return "age";
	}
	return "unknown";
}

/* Render a literal as JSON; loose strings and dates as small objects. */
static void
value_to_json(FilterBuf *buf, const FilterValue *v)
{
	switch (v->type)
	{
		case FV_NULL:
			filter_buf_appends(buf, "null");
			break;
		case FV_BOOL:
			filter_buf_appends(buf, v->boolean ? "true" : "false");
			break;
		case FV_NUMBER:
			filter_buf_append(buf, v->str, (size_t) v->len);
			break;
		case FV_STRING:
			if (v->loose)
				filter_buf_appends(buf, "{\"text\": ");
			filter_buf_append_json_string(buf, v->str, (size_t) v->len);
			if (v->loose)
				filter_buf_appendc(buf, '}');
			break;
		case FV_TIME:
			filter_buf_printf(buf, "{\"date\": %lld}", (long long) v->ms);
			break;
	}
}

/* Render a key as a JSON string of its canonical flat key. */
static void
key_to_json(FilterBuf *buf, const FilterKey *key)
{
	FilterBuf	text;

	filter_buf_init(&text, buf->a);
	filter_key_append_text(&text, key);
	filter_buf_append_json_string(buf, text.data, text.len);
}

/*
 * The normalized representation of a tree as JSON text:
 * {"op": "and", "args": [...]}, {"op": "eq", "key": "a.b", "value": 1}, ...
 */
void
filter_to_json(FilterBuf *buf, const FilterNode *node)
{
	int			i;

	filter_buf_printf(buf, "{\"op\": \"%s\"", filter_op_name(node->op));
	if (node->op == FOP_AND || node->op == FOP_OR || node->op == FOP_NOT)
	{
		filter_buf_appends(buf, ", \"args\": [");
		for (i = 0; i < node->nargs; i++)
		{
			if (i > 0)
				filter_buf_appends(buf, ", ");
			filter_to_json(buf, node->args[i]);
		}
		filter_buf_appends(buf, "]}");
		return;
	}
	if (node->op == FOP_TRUE)
	{
		filter_buf_appendc(buf, '}');
		return;
	}
	if (node->key.nsegs > 0)
	{
		filter_buf_appends(buf, ", \"key\": ");
		key_to_json(buf, &node->key);
	}
	if (node->has_key2)
	{
		filter_buf_appends(buf, ", \"key2\": ");
		key_to_json(buf, &node->key2);
	}
	if (node->op == FOP_MOD || node->op == FOP_AGE)
		filter_buf_printf(buf, ", \"cmp\": \"%s\"", filter_op_name(node->cmp));
	if (node->op == FOP_WITHIN)
		filter_buf_printf(buf, ", \"unit\": \"%s\"",
						  node->unit == FILTER_UNIT_MILES ? "miles" : "km");
	if (node->op == FOP_REGEX)
	{
		filter_buf_appends(buf, ", \"pattern\": ");
		filter_buf_append_json_string(buf, node->pattern, (size_t) node->patlen);
		filter_buf_appends(buf, ", \"flags\": ");
		filter_buf_append_json_string(buf, node->flags, strlen(node->flags));
	}
	if (node->nvalues == 1 && node->op != FOP_IN && node->op != FOP_CONTAINS_ALL)
	{
		filter_buf_appends(buf, ", \"value\": ");
		value_to_json(buf, &node->values[0]);
	}
	else if (node->nvalues > 0 || node->op == FOP_IN || node->op == FOP_CONTAINS_ALL)
	{
		filter_buf_appends(buf, ", \"values\": [");
		for (i = 0; i < node->nvalues; i++)
		{
			if (i > 0)
				filter_buf_appends(buf, ", ");
			value_to_json(buf, &node->values[i]);
		}
		filter_buf_appendc(buf, ']');
	}
	filter_buf_appendc(buf, '}');
}
