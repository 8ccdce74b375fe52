/* ecg-class-map.h — which annotation codes form which class of a beat-classification task.
 *
 * AAMI EC57 groups the MIT-BIH beat symbols into N = {N,L,R,e,j}, S = {A,a,J,S}, V = {V,E},
 * F = {F}, Q = {/,f,Q}. The 3-class task keeps N, S and V; the energy-evaluation study's task
 * uses the symbols N, L, R, A, V as five classes. A code outside the map is not part of the task.
 */
#pragma once

#include <glib.h>

#include "io/ecg-annotation.h"

G_BEGIN_DECLS

#define ECG_CLASS_MAP_MAX_CLASSES 16

typedef struct
{
  int n_classes;
  char *class_names[ECG_CLASS_MAP_MAX_CLASSES];
  gint8 class_of_code[ECG_ANN_ACMAX + 1]; /* -1: the code is not in the task */
} EcgClassMap;

/* The five AAMI classes N, S, V, F, Q. */
EcgClassMap *ecg_class_map_new_aami5 (void);
/* The 3-class task N, S, V (F and Q dropped). */
EcgClassMap *ecg_class_map_new_aami3 (void);
/* Parses "N=N,L,R,e,j;S=A,a,J,S;V=V,E" (class=symbols;...) or the shorthand names "aami5",
 * "aami3" and "NLRAV" (five classes, one symbol each). */
EcgClassMap *ecg_class_map_parse (const char *spec, GError **error);
EcgClassMap *ecg_class_map_copy (const EcgClassMap *map);
/* Index of the class called `name`, or -1. */
int ecg_class_map_find (const EcgClassMap *map, const char *name);
/* The spec string that ecg_class_map_parse() reads back into this map. Owned. */
char *ecg_class_map_to_string (const EcgClassMap *map);
void ecg_class_map_free (EcgClassMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EcgClassMap, ecg_class_map_free)

G_END_DECLS
