/* ecg-wfdb-signal.c — WFDB signal formats.
 *
 * A signal file is a sequence of frames; a frame holds one sample of each signal stored in the
 * file, in header order. Formats 212 and 8 are defined over the *sample stream* (212 packs two
 * consecutive stream samples into three bytes; 8 stores first differences per signal).
 */
#include "io/ecg-wfdb-signal.h"

#include <string.h>

#include "ecg-error.h"

/* Bytes needed for n_stream samples of `format`; 0 for unknown formats. */
static gsize
stream_bytes (int format, gint64 n_stream)
{
  switch (format)
    {
    case 8:
    case 80:
      return (gsize) n_stream;
    case 16:
    case 61:
    case 160:
      return (gsize) n_stream * 2;
    case 24:
      return (gsize) n_stream * 3;
    case 32:
      return (gsize) n_stream * 4;
    case 212:
      return (gsize) ((n_stream * 3 + 1) / 2);
    default:
      return 0;
    }
}

/* Number of whole frames that `n_bytes` hold. */
static gint64
frames_in (int format, gsize n_bytes, int n_group)
{
  gint64 n_stream;
  switch (format)
    {
    case 8:
    case 80:
      n_stream = (gint64) n_bytes;
      break;
    case 16:
    case 61:
    case 160:
      n_stream = (gint64) (n_bytes / 2);
      break;
    case 24:
      n_stream = (gint64) (n_bytes / 3);
      break;
    case 32:
      n_stream = (gint64) (n_bytes / 4);
      break;
    case 212:
      n_stream = (gint64) (n_bytes / 3) * 2 + (n_bytes % 3 >= 2 ? 1 : 0);
      break;
    default:
      return 0;
    }
  return n_stream / n_group;
}

static inline gint32
sign_extend (guint32 value, int bits)
{
  guint32 sign = 1u << (bits - 1);
  return (gint32) ((value ^ sign) - sign);
}

guint16
ecg_wfdb_checksum (const gint32 *samples, gint64 n_samples)
{
  guint32 sum = 0;
  for (gint64 i = 0; i < n_samples; i++)
    sum += (guint32) samples[i];
  return (guint16) (sum & 0xFFFF);
}

gboolean
ecg_wfdb_signal_decode (const EcgWfdbHeader *header, const int *signal_indices, int n_group,
                        const guint8 *bytes, gsize n_bytes, gint64 n_samples, gint32 **out,
                        const char *file_label, GError **error)
{
  g_return_val_if_fail (n_group > 0, FALSE);
  const EcgWfdbSignalSpec *first = &header->signals[signal_indices[0]];
  int format = first->format;

  for (int g = 0; g < n_group; g++)
    {
      const EcgWfdbSignalSpec *s = &header->signals[signal_indices[g]];
      if (!ecg_wfdb_format_is_supported (s->format))
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                       "%s: signal format %d is not supported (supported: 8, 16, 24, 32, 61, "
                       "80, 160, 212)", file_label, s->format);
          return FALSE;
        }
      if (s->format != format)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                       "%s: signals in one file must share a format (%d and %d)", file_label,
                       format, s->format);
          return FALSE;
        }
      if (s->samples_per_frame != 1 || s->skew != 0)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                       "%s: multi-frequency signals and skew are not supported", file_label);
          return FALSE;
        }
    }

  gint64 offset = first->byte_offset;
  if (offset < 0 || (gsize) offset > n_bytes)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: byte offset %" G_GINT64_FORMAT " lies past the end of the file (%"
                   G_GSIZE_FORMAT " bytes)", file_label, offset, n_bytes);
      return FALSE;
    }
  bytes += offset;
  n_bytes -= (gsize) offset;

  gint64 available = frames_in (format, n_bytes, n_group);
  if (available < n_samples)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_FORMAT,
                   "%s: truncated: %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " frames present",
                   file_label, available, n_samples);
      return FALSE;
    }
  g_assert (stream_bytes (format, n_samples * n_group) <= n_bytes);

  switch (format)
    {
    case 16:
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          {
            const guint8 *p = bytes + 2 * (t * n_group + g);
            out[g][t] = (gint16) (p[0] | (p[1] << 8));
          }
      break;
    case 61:
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          {
            const guint8 *p = bytes + 2 * (t * n_group + g);
            out[g][t] = (gint16) ((p[0] << 8) | p[1]);
          }
      break;
    case 160:
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          {
            const guint8 *p = bytes + 2 * (t * n_group + g);
            out[g][t] = (gint32) (p[0] | (p[1] << 8)) - 32768;
          }
      break;
    case 24:
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          {
            const guint8 *p = bytes + 3 * (t * n_group + g);
            out[g][t] = sign_extend ((guint32) (p[0] | (p[1] << 8) | (p[2] << 16)), 24);
          }
      break;
    case 32:
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          {
            const guint8 *p = bytes + 4 * (t * n_group + g);
            out[g][t] = (gint32) ((guint32) p[0] | ((guint32) p[1] << 8)
                                  | ((guint32) p[2] << 16) | ((guint32) p[3] << 24));
          }
      break;
    case 80:
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          out[g][t] = (gint32) bytes[t * n_group + g] - 128;
      break;
    case 8:
      {
        /* First differences, each signal starting from its initial value. The sum wraps
         * around in 32 bits (unsigned arithmetic: a damaged file must not overflow an int). */
        guint32 running[n_group];
        for (int g = 0; g < n_group; g++)
          running[g] = (guint32) header->signals[signal_indices[g]].initial_value;
        for (gint64 t = 0; t < n_samples; t++)
          for (int g = 0; g < n_group; g++)
            {
              running[g] += (guint32) (gint32) (gint8) bytes[t * n_group + g];
              out[g][t] = (gint32) running[g];
            }
      }
      break;
    case 212:
      {
        /* Stream sample k: pair k/2 occupies bytes 3*(k/2) .. +2. The first of a pair is the
         * low 8 bits in byte 0 and the low nibble of byte 1; the second is byte 2 and the high
         * nibble of byte 1. */
        gint64 n_stream = n_samples * n_group;
        int g = 0;
        gint64 t = 0;
        for (gint64 k = 0; k < n_stream; k++)
          {
            const guint8 *p = bytes + 3 * (k >> 1);
            guint32 raw = (k & 1) ? (guint32) (p[2] | ((p[1] & 0xF0) << 4))
                                  : (guint32) (p[0] | ((p[1] & 0x0F) << 8));
            out[g][t] = sign_extend (raw, 12);
            if (++g == n_group)
              {
                g = 0;
                t++;
              }
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

GBytes *
ecg_wfdb_signal_encode (int format, const gint32 *const *signals, int n_group, gint64 n_samples,
                        GError **error)
{
  if (format != 16 && format != 212)
    {
      g_set_error (error, ECG_ERROR, ECG_ERROR_UNSUPPORTED,
                   "writing signal format %d is not supported (16 or 212)", format);
      return NULL;
    }
  gint32 min = format == 16 ? -32768 : -2048;
  gint32 max = format == 16 ? 32767 : 2047;
  for (int g = 0; g < n_group; g++)
    for (gint64 t = 0; t < n_samples; t++)
      if (signals[g][t] < min || signals[g][t] > max)
        {
          g_set_error (error, ECG_ERROR, ECG_ERROR_INVALID,
                       "signal %d sample %" G_GINT64_FORMAT ": value %d does not fit format %d",
                       g, t, signals[g][t], format);
          return NULL;
        }

  gint64 n_stream = n_samples * n_group;
  gsize size = stream_bytes (format, n_stream);
  guint8 *out = g_malloc0 (MAX (size, 1));

  if (format == 16)
    {
      for (gint64 t = 0; t < n_samples; t++)
        for (int g = 0; g < n_group; g++)
          {
            guint16 v = (guint16) signals[g][t];
            guint8 *p = out + 2 * (t * n_group + g);
            p[0] = (guint8) (v & 0xFF);
            p[1] = (guint8) (v >> 8);
          }
    }
  else
    {
      for (gint64 k = 0; k < n_stream; k++)
        {
          guint32 v = (guint32) signals[k % n_group][k / n_group] & 0xFFF;
          guint8 *p = out + 3 * (k >> 1);
          if ((k & 1) == 0)
            {
              p[0] = (guint8) (v & 0xFF);
              p[1] = (guint8) ((p[1] & 0xF0) | (v >> 8));
            }
          else
            {
              p[2] = (guint8) (v & 0xFF);
              p[1] = (guint8) ((p[1] & 0x0F) | ((v >> 4) & 0xF0));
            }
        }
    }
  return g_bytes_new_take (out, size);
}
