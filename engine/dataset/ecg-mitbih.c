/* ecg-mitbih.c — MIT-BIH record lists and splits. */
#include "dataset/ecg-mitbih.h"

#include "ecg-error.h"

static const char *const ds1_records[] = {
  "101", "106", "108", "109", "112", "114", "115", "116", "118", "119", "122",
  "124", "201", "203", "205", "207", "208", "209", "215", "220", "223", "230", NULL,
};

static const char *const ds2_records[] = {
  "100", "103", "105", "111", "113", "117", "121", "123", "200", "202", "210",
  "212", "213", "214", "219", "221", "222", "228", "231", "232", "233", "234", NULL,
};

static const char *const paced_records[] = { "102", "104", "107", "217", NULL };

static const char *const all_records[] = {
  "100", "101", "102", "103", "104", "105", "106", "107", "108", "109", "111", "112",
  "113", "114", "115", "116", "117", "118", "119", "121", "122", "123", "124", "200",
  "201", "202", "203", "205", "207", "208", "209", "210", "212", "213", "214", "215",
  "217", "219", "220", "221", "222", "223", "228", "230", "231", "232", "233", "234", NULL,
};

static const char *const validation_records[] = { "201", "209", "223", NULL };

const char *const *
ecg_mitbih_split_records (EcgMitbihSplit split)
{
  switch (split)
    {
    case ECG_MITBIH_DS1:
      return ds1_records;
    case ECG_MITBIH_DS2:
      return ds2_records;
    case ECG_MITBIH_PACED:
      return paced_records;
    case ECG_MITBIH_ALL:
    default:
      return all_records;
    }
}

const char *const *
ecg_mitbih_default_validation_records (void)
{
  return validation_records;
}

gboolean
ecg_mitbih_split_from_string (const char *name, EcgMitbihSplit *split, GError **error)
{
  static const struct
  {
    const char *name;
    EcgMitbihSplit split;
  } names[] = {
    { "DS1", ECG_MITBIH_DS1 },
    { "DS2", ECG_MITBIH_DS2 },
    { "paced", ECG_MITBIH_PACED },
    { "all", ECG_MITBIH_ALL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (name != NULL && g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        *split = names[i].split;
        return TRUE;
      }
  g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
               "unknown split '%s' (use DS1, DS2, paced or all)", name ? name : "");
  return FALSE;
}

const char *
ecg_mitbih_split_to_string (EcgMitbihSplit split)
{
  switch (split)
    {
    case ECG_MITBIH_DS1:
      return "DS1";
    case ECG_MITBIH_DS2:
      return "DS2";
    case ECG_MITBIH_PACED:
      return "paced";
    case ECG_MITBIH_ALL:
    default:
      return "all";
    }
}
