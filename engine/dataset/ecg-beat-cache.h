/* ecg-beat-cache.h — an on-disk cache of beat sets, keyed by the records' files and the options.
 *
 * Building the beat sets of all 48 MIT-BIH records decodes about 100 MB of signal; a cache file
 * holds the finished arrays, so a second run with the same records, class map and window reads
 * them back instead. The key is the hex SHA-256 of
 *   "ecg-beat-cache <version>", the class map spec (ecg_class_map_to_string), window length,
 *   samples before, the lead option, and for each record in order its name and the size and
 *   modification time (ns) of its .hea, of each signal file the header names, and of its .atr,
 * so editing, replacing or touching any of those files gives a new key (a miss). The key does
 * not see the code that builds the set: ECG_BEAT_CACHE_VERSION must be raised whenever
 * ecg_beat_set_add_record() changes what it stores.
 *
 * File `cache_dir`/<key>.beats, written once with g_file_set_contents (temp file + rename), in
 * the byte order and float format of the machine that wrote it (a local cache: little-endian on
 * the x86-64 and arm64 machines we build for; a file from another byte order fails the
 * byte-order check and is rebuilt):
 *   header (EcgBeatCacheHeader in the .c, 336 bytes): magic "ECGBEATS", version, byte-order
 *     mark 0x01020304, the key again (64 hex chars), n_beats, n_records, window_length,
 *     samples_before, n_classes, RR features per beat, fs, set class counts and edge drops,
 *     the byte length of each of the 8 sections below, a checksum of the 8 sections' checksums
 *     and a checksum of the header itself;
 *   sections, back to back: windows f32[n_beats × window_length], rr_features
 *     f32[n_beats × 6], r_peaks i64[n_beats], record_of_beat u32[n_beats], labels i8[n_beats],
 *     codes u8[n_beats], record entries (first_beat, n_beats, dropped, class_counts[16] as u64,
 *     mean RR as f64, name and lead lengths as u32), then their names and leads, each
 *     NUL-terminated.
 * Checksums are a 64-bit multiply-rotate hash (four lanes over 8-byte words), which catches any
 * change confined to one 8-byte word for sure and others with probability 1 - 2^-64; SHA-256 would
 * cost more than reading the file. A missing, short, long, corrupt or foreign file is a miss and
 * is rewritten; reading never fails.
 */
#pragma once

#include <gio/gio.h>

#include "dataset/ecg-beat-set.h"

G_BEGIN_DECLS

/* Raise when the file layout or the beat-set builder's output changes. */
#define ECG_BEAT_CACHE_VERSION 1

/* The cache key of these arguments (64 lowercase hex digits), or NULL with ECG_ERROR_IO when a
 * record's .hea cannot be read or a file it names cannot be stat()ed, ECG_ERROR_FORMAT when the
 * .hea does not parse. `options` may be NULL for the defaults. Returns an owned string. */
char *ecg_beat_cache_key (const char *data_dir, const char *const *records,
                          const EcgClassMap *class_map, const EcgBeatWindowOptions *options,
                          GError **error);

/* The same set as ecg_beat_set_load() (bit-identical arrays and record entries), read from
 * `cache_dir` when it holds a valid file for the key, else built and then written there.
 * `cache_dir` NULL means g_get_user_cache_dir()/ecg-workbench/beat-sets; it is created when
 * missing. A cache that cannot be read or written is only logged (g_debug): the errors are those
 * of ecg_beat_set_load(). Returns an owned set. */
EcgBeatSet *ecg_beat_set_load_cached (const char *data_dir, const char *const *records,
                                      const EcgClassMap *class_map,
                                      const EcgBeatWindowOptions *options, const char *cache_dir,
                                      GCancellable *cancellable, GError **error);

G_END_DECLS
