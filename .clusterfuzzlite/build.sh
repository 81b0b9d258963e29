#!/bin/bash -eu
# SPDX-License-Identifier: BSD-2-Clause
#
# ClusterFuzzLite / OSS-Fuzz build script. The engine's builder sets CC,
# CFLAGS (sanitizer, coverage and -fsanitize=fuzzer-no-link flags),
# LIB_FUZZING_ENGINE, SRC, WORK and OUT, and runs this in the checkout (the
# Dockerfile's WORKDIR). It builds every fuzz target of fuzz/meson.build's
# `fuzz_targets` list with Meson (-Dfuzzing=oss-fuzz: CC/CFLAGS from the
# environment, each target linked with $LIB_FUZZING_ENGINE, the library
# and libbsd static), and puts into $OUT each target, its seed corpus
# (<target>_seed_corpus.zip, from fuzz/corpus/<target>/) and its dictionary
# (<target>.dict, from fuzz/<target>.dict when there is one).
#
# tools/ossfuzz-test.sh runs it on this machine the way the engines do
# (`tools/dev ossfuzz`); `tools/dev afl` uses the same Meson mode.

top=$PWD
[ -f "$top/fuzz/meson.build" ] || top=$SRC/smcsim
build=$WORK/smcsim-build

# Meson takes CFLAGS for compiling only; the sanitizer and coverage
# runtimes must be linked as well.
export LDFLAGS="${LDFLAGS:-} $CFLAGS"

rm -rf "$build"
# -Dwerror=false: a newer clang's new warning must not stop the fuzzing
# build; the project's own builds keep -Werror.
meson setup "$build" "$top" \
	--buildtype=plain \
	-Ddefault_library=static \
	-Dfuzzing=oss-fuzz \
	-Dfuzzing_engine="$LIB_FUZZING_ENGINE" \
	-Dtests=disabled \
	-Dwerror=false

mapfile -t targets < <(python3 "$top/tools/fuzz-targets.py" "$build")
meson compile -C "$build" "${targets[@]}"

python3 "$top/tools/fuzz-targets.py" --paths "$build" |
while read -r t bin; do
	cp "$bin" "$OUT/$t"
	rm -f "$OUT/${t}_seed_corpus.zip"
	if [ -d "$top/fuzz/corpus/$t" ]; then
		(cd "$top/fuzz/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
	fi
	if [ -f "$top/fuzz/$t.dict" ]; then
		cp "$top/fuzz/$t.dict" "$OUT/$t.dict"
	fi
done
