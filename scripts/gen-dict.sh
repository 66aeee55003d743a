#!/usr/bin/env bash
# Regenerates content/dict/zh_s.txt.gz, the segmentation dictionary Tongbao
# embeds: go-ego/gse's simplified-Chinese dictionary (Apache-2.0) without the
# words seen fewer than MIN_FREQ times. Dropping the rare ~200,000 words
# halves the load time (~0.5 s instead of ~1.2 s) and the heap, and changes
# no word that government bulletins use (both the index and the queries are
# cut with the same dictionary).
set -euo pipefail
cd "$(dirname "$0")/.."
MIN_FREQ=${MIN_FREQ:-4}
gse_dir=$(go list -m -f '{{.Dir}}' github.com/go-ego/gse)
awk -v min="$MIN_FREQ" '$2 >= min' "$gse_dir/data/dict/zh/s_1.txt" | gzip -9 -n > content/dict/zh_s.txt.gz
ls -l content/dict/zh_s.txt.gz
