#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
#
# tools/ossfuzz-test.sh SRCDIR TARGET...: the Meson test `ossfuzz_build`
# (suite ossfuzz, `tools/dev ossfuzz`). Runs .clusterfuzzlite/build.sh as
# ClusterFuzzLite and OSS-Fuzz run it (CC=clang, their ASan+UBSan CFLAGS,
# LIB_FUZZING_ENGINE=-fsanitize=fuzzer, SRC, WORK and OUT), then checks for
# every TARGET (fuzz/meson.build's list, passed by Meson) that $OUT has the
# binary, needing no library of the build machine but the C and C++
# runtimes, its seed corpus zip with every file of fuzz/corpus/<target>/,
# and its dictionary when fuzz/<target>.dict exists; and runs each binary
# SMCSIM_OSSFUZZ_SECS (3) seconds on its unzipped seed corpus: it must exit
# 0. TAP output, one line per target; skipped ("1..0 # SKIP") without clang,
# its libFuzzer runtime, or zip, and outside `meson test --setup ossfuzz`
# (which sets SMCSIM_OSSFUZZ=1).
set -uo pipefail

src=$1; shift
secs=${SMCSIM_OSSFUZZ_SECS:-3}

if [ "${SMCSIM_OSSFUZZ:-}" != 1 ]; then
	# `meson test --no-suite X` overrides the default setup's exclusion.
	echo "1..0 # SKIP only in meson test --setup ossfuzz (tools/dev ossfuzz)"
	exit 0
fi
for p in clang zip unzip python3 meson; do
	if ! command -v "$p" >/dev/null; then
		echo "1..0 # SKIP no $p here (tools/dev ossfuzz installs it)"
		exit 0
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' \
	> "$tmp/probe.c"
if ! clang -fsanitize=fuzzer,address "$tmp/probe.c" -o "$tmp/probe" 2>/dev/null; then
	echo "1..0 # SKIP clang cannot link -fsanitize=fuzzer (libclang-rt-dev)"
	exit 0
fi

mkdir -p "$tmp/work" "$tmp/out"
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export SRC=$src WORK=$tmp/work OUT=$tmp/out
export SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64

echo "1..$#"
if ! (cd "$src" && bash .clusterfuzzlite/build.sh) > "$tmp/build.log" 2>&1; then
	echo "# .clusterfuzzlite/build.sh failed:"
	tail -40 "$tmp/build.log" | sed 's/^/# /'
	n=0
	for t in "$@"; do
		n=$((n + 1))
		echo "not ok $n - $t: build.sh failed"
	done
	exit 1
fi

fails=0 n=0
for t in "$@"; do
	n=$((n + 1))
	why=
	bin=$OUT/$t zip=$OUT/${t}_seed_corpus.zip
	seeds=$(find "$src/fuzz/corpus/$t" -type f 2>/dev/null | wc -l)
	if [ ! -x "$bin" ]; then
		why="no $t in \$OUT"
	elif ldd "$bin" | grep -Ev 'linux-vdso|ld-linux|/libc\.so|/libm\.so|/libpthread|/libdl|/librt|/libstdc\+\+|/libgcc_s' |
		grep -q .; then
		why="needs a library of the build machine: $(ldd "$bin" | tr -s ' \t' ' ' | tr '\n' ';')"
	elif [ ! -f "$zip" ]; then
		why="no ${t}_seed_corpus.zip"
	elif [ "$(unzip -Z1 "$zip" | grep -vc '/$')" -ne "$seeds" ] || [ "$seeds" -eq 0 ]; then
		why="${t}_seed_corpus.zip has $(unzip -Z1 "$zip" | grep -vc '/$') files, fuzz/corpus/$t $seeds"
	elif [ -f "$src/fuzz/$t.dict" ] && ! cmp -s "$src/fuzz/$t.dict" "$OUT/$t.dict"; then
		why="no $t.dict in \$OUT"
	fi
	if [ -n "$why" ]; then
		echo "not ok $n - $t: $why"
		fails=$((fails + 1))
		continue
	fi
	mkdir -p "$tmp/seeds-$t" "$tmp/new-$t"
	unzip -q "$zip" -d "$tmp/seeds-$t"
	dict=()
	[ -f "$OUT/$t.dict" ] && dict=(-dict="$OUT/$t.dict")
	rc=0
	"$bin" -max_total_time="$secs" -print_final_stats=1 "${dict[@]}" \
		-artifact_prefix="$tmp/$t-" "$tmp/new-$t" "$tmp/seeds-$t" \
		> "$tmp/$t.log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$t.log")
	if [ $rc -ne 0 ]; then
		echo "not ok $n - $t: exited $rc after ${secs}s on $seeds seeds"
		tail -30 "$tmp/$t.log" | sed 's/^/# /'
		fails=$((fails + 1))
		continue
	fi
	echo "ok $n - $t: built, $seeds seeds zipped${dict:+, dictionary}, ran ${secs}s: ${execs:-?} inputs, no crash"
done
[ $fails -eq 0 ]
