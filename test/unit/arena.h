/*-------------------------------------------------------------------------
 *
 * arena.h
 *	  A FilterAlloc for tests and fuzzers: memory in malloc'ed chunks,
 *	  all released at once by arena_free.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  test/unit/arena.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_TEST_ARENA_H
#define PODREC_TEST_ARENA_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "filter.h"

/* Alignment of every allocation (C99 has no ArenaAlign). */
typedef union ArenaAlign
{
	long double ld;
	int64_t		i;
	void	   *p;
	double		d;
} ArenaAlign;

/* One malloc'ed chunk; allocations are carved from data. */
typedef struct ArenaChunk
{
	struct ArenaChunk *next;
	size_t		used;
	size_t		size;
	ArenaAlign data[];
} ArenaChunk;

typedef struct Arena
{
	ArenaChunk *chunks;
	size_t		total;			/* bytes handed out, for limits */
} Arena;

/* FilterAlloc callback: aligned memory from the arena; aborts when out. */
static inline void *
arena_alloc(void *ctx, size_t size)
{
	Arena	   *arena = ctx;
	ArenaChunk *c = arena->chunks;
	size_t		need = (size + sizeof(ArenaAlign) - 1) / sizeof(ArenaAlign) * sizeof(ArenaAlign);
	void	   *p;

	if (c == NULL || c->size - c->used < need)
	{
		size_t		size_chunk = need > 65536 ? need : 65536;

		c = malloc(sizeof(ArenaChunk) + size_chunk);
		if (c == NULL)
		{
			fprintf(stderr, "arena: out of memory\n");
			abort();
		}
		c->next = arena->chunks;
		c->used = 0;
		c->size = size_chunk;
		arena->chunks = c;
	}
	p = (char *) c->data + c->used;
	c->used += need;
	arena->total += need;
	return p;
}

/* Release every chunk. */
static inline void
arena_free(Arena *arena)
{
	while (arena->chunks)
	{
		ArenaChunk *next = arena->chunks->next;

		free(arena->chunks);
		arena->chunks = next;
	}
	arena->total = 0;
}

/* A FilterAlloc over an arena. */
static inline FilterAlloc
arena_allocator(Arena *arena)
{
	FilterAlloc a;

	a.alloc = arena_alloc;
	a.ctx = arena;
	return a;
}

#endif							/* PODREC_TEST_ARENA_H */
