/* ecg-annotation.h — WFDB annotations (MIT format) and the annotation code table.
 *
 * An annotation file is a stream of 16-bit little-endian words: the top 6 bits are a code (A),
 * the low 10 bits a time increment (I). Codes 1..49 are labels; 59 SKIP, 60 NUM, 61 SUB,
 * 62 CHN and 63 AUX are pseudo-codes that modify the next (or the current) annotation.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Annotation codes as defined by WFDB's <wfdb/ecgcodes.h>. */
typedef enum
{
  ECG_ANN_NOTQRS = 0,
  ECG_ANN_NORMAL = 1,   /* N */
  ECG_ANN_LBBB = 2,     /* L */
  ECG_ANN_RBBB = 3,     /* R */
  ECG_ANN_ABERR = 4,    /* a */
  ECG_ANN_PVC = 5,      /* V */
  ECG_ANN_FUSION = 6,   /* F */
  ECG_ANN_NPC = 7,      /* J */
  ECG_ANN_APC = 8,      /* A */
  ECG_ANN_SVPB = 9,     /* S */
  ECG_ANN_VESC = 10,    /* E */
  ECG_ANN_NESC = 11,    /* j */
  ECG_ANN_PACE = 12,    /* / */
  ECG_ANN_UNKNOWN = 13, /* Q */
  ECG_ANN_NOISE = 14,   /* ~ */
  ECG_ANN_ARFCT = 16,   /* | */
  ECG_ANN_STCH = 18,    /* s */
  ECG_ANN_TCH = 19,     /* T */
  ECG_ANN_SYSTOLE = 20, /* * */
  ECG_ANN_DIASTOLE = 21,/* D */
  ECG_ANN_NOTE = 22,    /* " */
  ECG_ANN_MEASURE = 23, /* = */
  ECG_ANN_PWAVE = 24,   /* p */
  ECG_ANN_BBB = 25,     /* B */
  ECG_ANN_PACESP = 26,  /* ^ */
  ECG_ANN_TWAVE = 27,   /* t */
  ECG_ANN_RHYTHM = 28,  /* + */
  ECG_ANN_UWAVE = 29,   /* u */
  ECG_ANN_LEARN = 30,   /* ? */
  ECG_ANN_FLWAV = 31,   /* ! */
  ECG_ANN_VFON = 32,    /* [ */
  ECG_ANN_VFOFF = 33,   /* ] */
  ECG_ANN_AESC = 34,    /* e */
  ECG_ANN_SVESC = 35,   /* n */
  ECG_ANN_LINK = 36,    /* @ */
  ECG_ANN_NAPC = 37,    /* x */
  ECG_ANN_PFUS = 38,    /* f */
  ECG_ANN_WFON = 39,    /* ( */
  ECG_ANN_WFOFF = 40,   /* ) */
  ECG_ANN_RONT = 41,    /* r */
  ECG_ANN_ACMAX = 49,
  /* pseudo-codes of the MIT format */
  ECG_ANN_SKIP = 59,
  ECG_ANN_NUM = 60,
  ECG_ANN_SUB = 61,
  ECG_ANN_CHN = 62,
  ECG_ANN_AUX = 63,
} EcgAnnotationCode;

typedef struct
{
  gint64 sample;  /* time of the annotation in samples from the record's start */
  guint8 code;    /* EcgAnnotationCode, 1..ECG_ANN_ACMAX */
  int subtype;    /* "subtyp" field, -512..511 */
  int chan;       /* "chan" field; persists from one annotation to the next, as in WFDB */
  int num;        /* "num" field; persists like chan */
  char *aux;      /* auxiliary string (e.g. "(AFIB"), NULL when absent; owned */
} EcgAnnotation;

typedef struct
{
  EcgAnnotation *items; /* sorted as in the file (by time) */
  gsize n_items;
} EcgAnnotationList;

/* The mnemonic of a code ("N", "V", "+", ...); NULL for codes without one.
 * Static storage, do not free. */
const char *ecg_annotation_code_symbol (int code);
/* Inverse of ecg_annotation_code_symbol(); -1 when the symbol is unknown. */
int ecg_annotation_code_from_symbol (const char *symbol);
/* A one-line English description ("Normal beat"); NULL for unknown codes. */
const char *ecg_annotation_code_description (int code);
/* TRUE for the codes WFDB's isqrs() calls beats (N L R a V F J A S E j / Q e n f and B r). */
gboolean ecg_annotation_code_is_beat (int code);

/* Parses an annotation file held in memory. `file_label` names the file in error messages.
 * Returns a new list (free with ecg_annotation_list_free) or NULL with ECG_ERROR_FORMAT. */
EcgAnnotationList *ecg_annotation_list_parse (const guint8 *bytes, gsize n_bytes,
                                              const char *file_label, GError **error);
/* Reads `path` (e.g. "100.atr"). */
EcgAnnotationList *ecg_annotation_list_load (const char *path, GError **error);
/* Encodes the list in MIT format (with SKIP for long gaps, NUM/SUB/CHN/AUX only where they
 * differ from the running values, and the end-of-file marker). Returns owned bytes. */
GBytes *ecg_annotation_list_encode (const EcgAnnotationList *list);
gboolean ecg_annotation_list_save (const EcgAnnotationList *list, const char *path,
                                   GError **error);

EcgAnnotationList *ecg_annotation_list_new (gsize n_items);
EcgAnnotationList *ecg_annotation_list_copy (const EcgAnnotationList *list);
void ecg_annotation_list_free (EcgAnnotationList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgAnnotationList, ecg_annotation_list_free)

/* Counts annotations whose code is a beat. */
gsize ecg_annotation_list_count_beats (const EcgAnnotationList *list);

G_END_DECLS
