/*-------------------------------------------------------------------------
 *
 * podrec.h
 *	  Declarations shared by every podrec module.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/podrec.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_H
#define PODREC_H

#include "postgres.h"

/* Deepest nesting of a document or filter that podrec walks before refusing. */
#define PODREC_MAX_DEPTH 10000

#endif							/* PODREC_H */
