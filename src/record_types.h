/*-------------------------------------------------------------------------
 *
 * record_types.h
 *	  Records of record types (seed 001 Tines records, seed 004 typed
 *	  records): the podrec.records_base_url setting.
 *
 * Copyright (c) 2026, podrec authors
 *
 * IDENTIFICATION
 *	  src/record_types.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PODREC_RECORD_TYPES_H
#define PODREC_RECORD_TYPES_H

/*
 * Define podrec.records_base_url, the base of the page links of
 * records_list.  Called once from _PG_init.
 */
extern void podrec_records_init(void);

#endif							/* PODREC_RECORD_TYPES_H */
