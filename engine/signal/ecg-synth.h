/* ecg-synth.h — synthetic ECG records after McSharry et al. 2003 (ECGSYN).
 *
 * A point moves on a limit cycle in the x-y plane at an angular velocity set by the RR interval;
 * the ECG is its z coordinate, pushed by five Gaussian events per beat (P, Q, R, S, T). RR
 * intervals follow a tachogram with a bimodal LF/HF spectrum; premature supraventricular ('A')
 * and ventricular ('V') beats have their own timing and morphology. The result is an EcgRecord
 * with MIT-BIH style reference annotations, so synthetic and real data share one path.
 */
#pragma once

#include <glib.h>

#include "io/ecg-record.h"

G_BEGIN_DECLS

typedef struct
{
  double fs;                 /* output samples per second per lead (360, as MIT-BIH) */
  double duration_s;         /* record length in seconds (300) */
  double heart_rate_bpm;     /* mean sinus heart rate, 20..250 (60) */
  double hrv_std_bpm;        /* standard deviation of the sinus heart rate, 0..0.1 x rate (1) */
  double lf_hz;              /* centre of the low-frequency (Mayer wave) RR peak (0.1) */
  double hf_hz;              /* centre of the high-frequency (RSA) RR peak, also the
                              * respiration frequency of the baseline wander (0.25) */
  double lf_hf_ratio;        /* power ratio of the two peaks (0.5) */
  double noise_std_mv;       /* white Gaussian measurement noise, mV (0.01) */
  double baseline_wander_mv; /* amplitude of the respiratory baseline wander (a sine at
                              * hf_hz), mV (0.05) */
  double s_beat_rate;        /* fraction of beats that are premature atrial beats 'A' (0.03) */
  double v_beat_rate;        /* fraction of beats that are premature ventricular beats 'V' (0.02) */
  guint32 seed;              /* the only source of randomness (1) */
  /* NULL-terminated lead names, each "MLII" or "V5"; NULL means { "MLII", "V5" }. Not owned:
   * must outlive the call to ecg_synth_record(). */
  const char *const *lead_names;
} EcgSynthOptions;

/* Fills `options` with the defaults given in brackets above. */
void ecg_synth_options_init (EcgSynthOptions *options);

/* Generates a record named `name` with one lead per entry of `options->lead_names`, samples
 * quantised at 200 ADC units per mV, and annotations: a rhythm annotation '+' "(N" at sample 0,
 * then one beat annotation ('N', 'A' or 'V') on the R peak of MLII (of the first lead when MLII
 * is not generated). The same options give bit-identical records. Invalid options give NULL with
 * ECG_ERROR_INVALID, an unknown lead name ECG_ERROR_NOT_FOUND. Returns an owned record. */
EcgRecord *ecg_synth_record (const char *name, const EcgSynthOptions *options, GError **error);

G_END_DECLS
