/* ecg-lead-layout.c — stacked and standard 12-lead row layouts (see the header). */
#include "ecg-lead-layout.h"

#include <math.h>

G_DEFINE_ENUM_TYPE (EcgLeadLayout, ecg_lead_layout,
                    G_DEFINE_ENUM_VALUE (ECG_LEAD_LAYOUT_STACKED, "stacked"),
                    G_DEFINE_ENUM_VALUE (ECG_LEAD_LAYOUT_STANDARD_12, "standard-12"))

/* Row-major: standard_names[row][column]. */
static const char *const standard_names[3][ECG_LEAD_LAYOUT_N_COLUMNS] = {
  { "I", "aVR", "V1", "V4" },
  { "II", "aVL", "V2", "V5" },
  { "III", "aVF", "V3", "V6" },
};

int
ecg_lead_layout_find_lead (const EcgRecord *record, const char *name)
{
  for (int i = 0; i < record->n_leads; i++)
    if (record->leads[i].name != NULL && g_ascii_strcasecmp (record->leads[i].name, name) == 0)
      return i;
  return -1;
}

int
ecg_lead_layout_get_n_rows (EcgLeadLayout layout, const EcgRecord *record)
{
  if (layout == ECG_LEAD_LAYOUT_STANDARD_12)
    return 4;
  return record != NULL ? MAX (record->n_leads, 1) : 1;
}

static double
duration (const EcgRecord *record)
{
  return record->fs > 0.0 ? (double) record->n_samples / record->fs : 0.0;
}

GArray *
ecg_lead_layout_get_segments (EcgLeadLayout layout, const EcgRecord *record, int row,
                              double from_s, double to_s)
{
  GArray *segments = g_array_new (FALSE, FALSE, sizeof (EcgLeadSegment));
  double end = duration (record);
  from_s = MAX (from_s, 0.0);
  to_s = MIN (to_s, end);
  if (!(from_s < to_s) || row < 0 || row >= ecg_lead_layout_get_n_rows (layout, record))
    return segments;

  if (layout == ECG_LEAD_LAYOUT_STACKED || row == 3)
    {
      EcgLeadSegment whole = { .from_s = 0.0, .to_s = end };
      if (layout == ECG_LEAD_LAYOUT_STACKED)
        {
          whole.lead = row < record->n_leads ? row : -1;
          whole.name = whole.lead >= 0 ? record->leads[row].name : NULL;
        }
      else
        {
          whole.lead = ecg_lead_layout_find_lead (record, "II");
          whole.name = "II";
          if (whole.lead < 0 && record->n_leads > 0)
            {
              whole.lead = 0;
              whole.name = record->leads[0].name;
            }
        }
      g_array_append_val (segments, whole);
      return segments;
    }

  gint64 first = (gint64) floor (from_s / ECG_LEAD_LAYOUT_COLUMN_SECONDS);
  for (gint64 k = first; k * ECG_LEAD_LAYOUT_COLUMN_SECONDS < to_s; k++)
    {
      const char *name = standard_names[row][k % ECG_LEAD_LAYOUT_N_COLUMNS];
      EcgLeadSegment segment = {
        .lead = ecg_lead_layout_find_lead (record, name),
        .name = name,
        .from_s = k * ECG_LEAD_LAYOUT_COLUMN_SECONDS,
        .to_s = MIN ((k + 1) * ECG_LEAD_LAYOUT_COLUMN_SECONDS, end),
      };
      g_array_append_val (segments, segment);
    }
  return segments;
}
