/*
 * registry — importing the registry of enforcement domains and agencies
 * from CSV (CONTRACT §2: code,name_zh,name_en).
 *
 * An import is atomic: it runs in one transaction, and the first bad row
 * (bad code, empty name, a code twice in the file, malformed CSV) stops it
 * with "FILE:LINE: reason" and stores nothing.  Codes already registered
 * get the file's names.
 */
#ifndef MANYI_REGISTRY_H
#define MANYI_REGISTRY_H

#include <stddef.h>

#include "import.h"
#include "store.h"

/*
 * Import path (name is used in messages) into the registry table of kind k.
 * Returns IMPORT_OK, or another import_err with msg set to "FILE:LINE:
 * reason" (nothing stored).
 */
enum import_err registry_import(struct store *s, enum registry_kind k, const char *path,
                    struct import_result *res, char *msg, size_t msglen);

/*
 * Import path (columns agency,domain: CONTRACT-style, see README) as the
 * whole list of the domains each agency enforces: the pairs stored before
 * are replaced by the file's, in one transaction.  The first bad row (a
 * code not registered, a pair twice, malformed CSV) stops it with
 * "FILE:LINE: reason" and the pairs stored before stay as they were.
 * res->rows counts the pairs stored, res->updated the pairs replaced.
 */
enum import_err registry_import_agency_domains(struct store *s, const char *path,
                                               struct import_result *res, char *msg,
                                               size_t msglen);

#endif
