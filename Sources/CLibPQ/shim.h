#ifndef LFMAINT_CLIBPQ_SHIM_H
#define LFMAINT_CLIBPQ_SHIM_H
#include <libpq-fe.h>

// PG_DIAG_* are character macros, which Swift does not import.
static inline int lfm_pg_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }
static inline int lfm_pg_diag_message_primary(void) { return PG_DIAG_MESSAGE_PRIMARY; }
static inline int lfm_pg_diag_message_detail(void) { return PG_DIAG_MESSAGE_DETAIL; }
#endif
