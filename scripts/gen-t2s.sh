#!/usr/bin/env bash
# Regenerates content/dict/t2s.txt, the traditional → simplified character
# table behind content.Simplify: OpenCC's TSCharacters table (Apache-2.0), as
# shipped in the Go module github.com/longbridgeapp/opencc, one
# "traditional<TAB>simplified" pair a line (the first simplified candidate
# where OpenCC lists several). Only the data is taken; the module is not a
# dependency of Tongbao.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(go mod download -json github.com/longbridgeapp/opencc@v0.3.13 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
awk -F'\t' '{ split($2, c, " "); if ($1 != c[1]) print $1 "\t" c[1] }' "$dir/dictionary/TSCharacters.txt" > content/dict/t2s.txt
wc -l content/dict/t2s.txt
