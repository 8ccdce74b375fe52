/* ecg-class-map.c — annotation codes to task classes. */
#include "dataset/ecg-class-map.h"

#include <string.h>

#include "ecg-error.h"

static EcgClassMap *
class_map_new_empty (void)
{
  EcgClassMap *map = g_new0 (EcgClassMap, 1);
  memset (map->class_of_code, -1, sizeof map->class_of_code);
  return map;
}

void
ecg_class_map_free (EcgClassMap *map)
{
  if (map == NULL)
    return;
  for (int i = 0; i < map->n_classes; i++)
    g_free (map->class_names[i]);
  g_free (map);
}

EcgClassMap *
ecg_class_map_copy (const EcgClassMap *map)
{
  EcgClassMap *copy = g_memdup2 (map, sizeof *map);
  for (int i = 0; i < map->n_classes; i++)
    copy->class_names[i] = g_strdup (map->class_names[i]);
  return copy;
}

int
ecg_class_map_find (const EcgClassMap *map, const char *name)
{
  for (int i = 0; i < map->n_classes; i++)
    if (g_strcmp0 (map->class_names[i], name) == 0)
      return i;
  return -1;
}

EcgClassMap *
ecg_class_map_parse (const char *spec, GError **error)
{
  if (g_strcmp0 (spec, "aami5") == 0)
    spec = "N=N,L,R,e,j;S=A,a,J,S;V=V,E;F=F;Q=/,f,Q";
  else if (g_strcmp0 (spec, "aami3") == 0)
    spec = "N=N,L,R,e,j;S=A,a,J,S;V=V,E";
  else if (g_strcmp0 (spec, "NLRAV") == 0)
    spec = "N=N;L=L;R=R;A=A;V=V";

  g_autoptr (EcgClassMap) map = class_map_new_empty ();
  g_auto (GStrv) classes = g_strsplit (spec, ";", -1);
  for (int c = 0; classes[c] != NULL; c++)
    {
      g_auto (GStrv) parts = g_strsplit (classes[c], "=", 2);
      if (parts[0] == NULL || parts[1] == NULL || *g_strstrip (parts[0]) == '\0')
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "class map '%s': '%s' is not NAME=SYMBOL,SYMBOL,...", spec, classes[c]);
          return NULL;
        }
      if (map->n_classes == ECG_CLASS_MAP_MAX_CLASSES)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "class map '%s': more than %d classes", spec, ECG_CLASS_MAP_MAX_CLASSES);
          return NULL;
        }
      if (ecg_class_map_find (map, parts[0]) >= 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "class map '%s': class %s appears twice", spec, parts[0]);
          return NULL;
        }
      int index = map->n_classes++;
      map->class_names[index] = g_strdup (parts[0]);
      g_auto (GStrv) symbols = g_strsplit (parts[1], ",", -1);
      for (int s = 0; symbols[s] != NULL; s++)
        {
          const char *symbol = g_strstrip (symbols[s]);
          int code = ecg_annotation_code_from_symbol (symbol);
          if (code < 0 || !ecg_annotation_code_is_beat (code))
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                           "class map '%s': '%s' is not a beat annotation symbol", spec, symbol);
              return NULL;
            }
          if (map->class_of_code[code] >= 0)
            {
              g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                           "class map '%s': symbol '%s' is in two classes", spec, symbol);
              return NULL;
            }
          map->class_of_code[code] = (gint8) index;
        }
    }
  if (map->n_classes < 2)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID, "class map '%s': needs two classes",
                   spec);
      return NULL;
    }
  return g_steal_pointer (&map);
}

EcgClassMap *
ecg_class_map_new_aami5 (void)
{
  return ecg_class_map_parse ("aami5", NULL);
}

EcgClassMap *
ecg_class_map_new_aami3 (void)
{
  return ecg_class_map_parse ("aami3", NULL);
}

char *
ecg_class_map_to_string (const EcgClassMap *map)
{
  GString *out = g_string_new (NULL);
  for (int c = 0; c < map->n_classes; c++)
    {
      if (c > 0)
        g_string_append_c (out, ';');
      g_string_append_printf (out, "%s=", map->class_names[c]);
      gboolean first = TRUE;
      for (int code = 0; code <= ECG_ANN_ACMAX; code++)
        if (map->class_of_code[code] == c)
          {
            g_string_append_printf (out, "%s%s", first ? "" : ",",
                                    ecg_annotation_code_symbol (code));
            first = FALSE;
          }
    }
  return g_string_free (out, FALSE);
}
