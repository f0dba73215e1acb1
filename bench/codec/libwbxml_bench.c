/*
 * libwbxml's tree API on the same corpus, in-process (so process start-up is not measured):
 *
 *   decode: wbxml_tree_from_wbxml() + wbxml_tree_destroy()   -- bytes -> tree, and freeing it
 *   encode: wbxml_tree_to_wbxml()   + wbxml_free()            -- tree -> bytes
 *
 * That is the same work as our decode (bytes -> element tree; the JS garbage collector frees it)
 * and our encode (element tree -> bytes). Encoding keeps text as it is and writes no string table
 * and an anonymous header, like ours.
 *
 * Usage: libwbxml_bench MIN_SECONDS FILE...  -> one JSON line per file.
 * Built by bench/codec/run.ts: cc -O2 libwbxml_bench.c $(pkg-config --cflags --libs libwbxml2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wbxml/wbxml.h>

/* The tree API is exported by libwbxml2.so but its header is not installed by libwbxml2-dev. */
typedef struct WBXMLTree_s WBXMLTree;
WBXMLError wbxml_tree_from_wbxml(WB_UTINY *wbxml, WB_ULONG wbxml_len, WBXMLLanguage lang,
                                 WBXMLCharsetMIBEnum charset, WBXMLTree **tree);
WBXMLError wbxml_tree_to_wbxml(WBXMLTree *tree, WB_UTINY **wbxml, WB_ULONG *wbxml_len,
                               WBXMLGenWBXMLParams *params);
void wbxml_tree_destroy(WBXMLTree *tree);
void wbxml_free(void *memblock);

/* Process CPU time, like the JS side (process.cpuUsage): being descheduled is not counted. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *read_file(const char *path, long *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc(*len);
  if (fread(buf, 1, *len, f) != (size_t)*len) {
    fclose(f);
    free(buf);
    return NULL;
  }
  fclose(f);
  return buf;
}

static int decode_once(unsigned char *buf, long len, WBXMLTree **tree) {
  WBXMLError err = wbxml_tree_from_wbxml(buf, (WB_ULONG)len, WBXML_LANG_ACTIVESYNC, WBXML_CHARSET_UNKNOWN, tree);
  if (err != WBXML_OK) {
    fprintf(stderr, "wbxml_tree_from_wbxml: %s\n", wbxml_errors_string(err));
    return 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MIN_SECONDS FILE...\n", argv[0]);
    return 2;
  }
  double min_seconds = atof(argv[1]);
  WBXMLGenWBXMLParams params;
  params.wbxml_version = WBXML_VERSION_13;
  params.keep_ignorable_ws = TRUE;
  params.use_strtbl = FALSE;
  params.produce_anonymous = TRUE;

  for (int i = 2; i < argc; i++) {
    long len = 0;
    unsigned char *buf = read_file(argv[i], &len);
    if (!buf) {
      fprintf(stderr, "cannot read %s\n", argv[i]);
      return 1;
    }
    WBXMLTree *tree = NULL;

    /* decode: warm up, then loop for at least min_seconds */
    for (int w = 0; w < 3; w++) {
      if (!decode_once(buf, len, &tree)) return 1;
      wbxml_tree_destroy(tree);
    }
    long decode_iters = 0;
    double t0 = now(), t1;
    do {
      if (!decode_once(buf, len, &tree)) return 1;
      wbxml_tree_destroy(tree);
      decode_iters++;
      t1 = now();
    } while (t1 - t0 < min_seconds || decode_iters < 5);
    double decode_ns = (t1 - t0) * 1e9 / decode_iters;

    /* encode: one tree, encoded over and over */
    if (!decode_once(buf, len, &tree)) return 1;
    WB_UTINY *out = NULL;
    WB_ULONG out_len = 0;
    for (int w = 0; w < 3; w++) {
      WBXMLError err = wbxml_tree_to_wbxml(tree, &out, &out_len, &params);
      if (err != WBXML_OK) {
        fprintf(stderr, "wbxml_tree_to_wbxml: %s\n", wbxml_errors_string(err));
        return 1;
      }
      wbxml_free(out);
    }
    long encode_iters = 0;
    t0 = now();
    do {
      wbxml_tree_to_wbxml(tree, &out, &out_len, &params);
      wbxml_free(out);
      encode_iters++;
      t1 = now();
    } while (t1 - t0 < min_seconds || encode_iters < 5);
    double encode_ns = (t1 - t0) * 1e9 / encode_iters;
    wbxml_tree_destroy(tree);

    printf("{\"file\":\"%s\",\"bytes\":%ld,\"decode_ns\":%.0f,\"decode_iters\":%ld,\"encode_ns\":%.0f,\"encode_iters\":%ld,\"encoded_bytes\":%lu}\n",
           argv[i], len, decode_ns, decode_iters, encode_ns, encode_iters, (unsigned long)out_len);
    fflush(stdout);
    free(buf);
  }
  return 0;
}
