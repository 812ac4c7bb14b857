#!/usr/bin/env bash
# Makes the small real media files in fixtures/ that the tests, the benchmarks and the demo use.
# Needs Debian's espeak-ng, lame and ffmpeg. Run from anywhere: `bash scripts/make-fixtures.sh`.
#
# Deterministic where the tools allow: espeak-ng and lame are, ffmpeg runs with +bitexact and one thread
# (so no encoder version strings, no random Matroska UIDs, no thread-dependent x264/VP9 output). A different
# ffmpeg/x264/libvpx version can still produce different bytes; the tests assert on what the files *say*
# (durations, tags, chapters), never on their hashes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/fixtures"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

for tool in espeak-ng lame ffmpeg ffprobe; do
  command -v "$tool" >/dev/null || { echo "make-fixtures: $tool is missing (apt-get install espeak-ng lame ffmpeg)" >&2; exit 1; }
done

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y -threads 1 "$@"; }
bitexact=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact)
duration_ms() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1" | awk '{ printf "%d", $1 * 1000 }'; }

# --- speech ------------------------------------------------------------------------------------------
# espeak-ng writes 22.05 kHz mono WAV; lame turns it into 64 kbps CBR mono MP3 (its Info header carries the
# frame and byte counts, which is what lets the probe notice a truncated download).
espeak-ng -v en-us -s 165 -w "$work/episode.wav" \
  "Welcome to the seedcast demo podcast. This is episode one, an introduction. \
Seedcast publishes podcasts peer to peer. Every episode becomes a torrent, \
and the feed carries a magnet link next to the plain web address, so any podcast app still plays it. \
In the main topic today: how listeners become seeders. When you download an episode with a \
BitTorrent client, you share the pieces you already have with other listeners, \
and the web server only fills the gaps. The more people listen, the less the host pays. \
Thanks for listening, and keep seeding."
espeak-ng -v en-gb -s 170 -w "$work/episode-2.wav" \
  "This is episode two of the seedcast demo podcast. A short one. \
Today we talk about chapters, cover art, and why the feed keeps a web seed for everybody."

lame --quiet -m m -b 64 --cbr "$work/episode.wav" "$work/episode-raw.mp3"
lame --quiet -m m -b 64 --cbr "$work/episode-2.wav" "$work/episode-2-raw.mp3"

# --- the cover art embedded in the MP3 (300x300 JPEG test pattern) -------------------------------------
ff -f lavfi -i "testsrc=size=300x300:rate=1:duration=1" -frames:v 1 -q:v 5 "${bitexact[@]}" "$work/art.jpg"

# --- episode.mp3: ID3v2.3 tags, cover, two CHAP chapters under a CTOC ---------------------------------
# ffmpeg turns ffmetadata [CHAPTER] sections into ID3 CHAP frames (plus a CTOC) when muxing MP3.
# It writes a "comment" key as TXXX:comment, though, which podcast apps do not read as the description, so
# the script asks for padding at the end of the tag and writes a real COMM frame into it (same tag size).
id3_padding=512
write_comm_frame() { # file text
  local file="$1" text="$2" tag_size frame_size
  # The tag size is a 28-bit "syncsafe" integer in bytes 6..9 of the ID3 header; padding ends the tag.
  tag_size="$(od -An -tu1 -j6 -N4 "$file" | awk '{ print ($1 * 2097152) + ($2 * 16384) + ($3 * 128) + $4 }')"
  frame_size=$(( 1 + 3 + 1 + ${#text} )) # encoding byte, language, empty short description + NUL, text
  (( frame_size + 10 <= id3_padding )) || { echo "make-fixtures: comment too long for the ID3 padding" >&2; exit 1; }
  {
    printf 'COMM'
    # printf's format is where \xHH escapes turn into bytes: build the four size bytes as a format.
    printf "$(printf '\\x%02x' $(( frame_size >> 24 & 255 )) $(( frame_size >> 16 & 255 )) $(( frame_size >> 8 & 255 )) $(( frame_size & 255 )))"
    printf '\x00\x00\x00eng\x00'
    printf '%s' "$text"
  } | dd of="$file" bs=1 seek=$(( 10 + tag_size - id3_padding )) conv=notrunc status=none
}
total_ms="$(duration_ms "$work/episode-raw.mp3")"
cat > "$work/episode.ffmeta" <<META
;FFMETADATA1
title=Episode 1: Introduction to seedcast
artist=The seedcast team
album=seedcast demo podcast
date=2026
genre=Podcast

[CHAPTER]
TIMEBASE=1/1000
START=0
END=10000
title=Introduction

[CHAPTER]
TIMEBASE=1/1000
START=10000
END=$total_ms
title=Main topic
META
ff -i "$work/episode-raw.mp3" -i "$work/art.jpg" -i "$work/episode.ffmeta" \
  -map 0:a -map 1:v -map_metadata 2 -map_chapters 2 \
  -c copy -id3v2_version 3 -write_id3v1 0 -metadata_header_padding $id3_padding \
  -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)" -disposition:v attached_pic \
  "${bitexact[@]}" "$out/episode.mp3"
write_comm_frame "$out/episode.mp3" "A short spoken introduction to seedcast: podcasts published peer to peer."

# --- episode-2.mp3: shorter, title tags only --------------------------------------------------------
ff -i "$work/episode-2-raw.mp3" -map 0:a -map_metadata -1 -c copy -id3v2_version 3 -write_id3v1 0 \
  -metadata title="Episode 2: Chapters and cover art" -metadata artist="The seedcast team" \
  -metadata album="seedcast demo podcast" -metadata date=2026 \
  "${bitexact[@]}" "$out/episode-2.mp3"

# --- video.mp4: H.264/AAC, 4 s, +faststart, title and two chapters ------------------------------------
cat > "$work/video.ffmeta" <<META
;FFMETADATA1
title=seedcast video demo

[CHAPTER]
TIMEBASE=1/1000
START=0
END=2000
title=Colour bars

[CHAPTER]
TIMEBASE=1/1000
START=2000
END=4000
title=Tone
META
ff -f lavfi -i "testsrc=size=320x240:rate=15:duration=4" -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=4" \
  -i "$work/video.ffmeta" -map 0:v -map 1:a -map_metadata 2 -map_chapters 2 \
  -c:v libx264 -preset veryslow -crf 32 -pix_fmt yuv420p -x264-params threads=1 \
  -c:a aac -b:a 48k -ac 1 -movflags +faststart "${bitexact[@]}" "$out/video.mp4"

# --- video.webm: VP9/Opus, 4 s ------------------------------------------------------------------------
ff -f lavfi -i "testsrc=size=320x240:rate=15:duration=4" -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=4" \
  -map 0:v -map 1:a -metadata title="seedcast webm demo" \
  -c:v libvpx-vp9 -b:v 0 -crf 45 -deadline good -cpu-used 4 -row-mt 0 \
  -c:a libopus -b:a 32k -ac 1 "${bitexact[@]}" "$out/video.webm"

# --- broken inputs ------------------------------------------------------------------------------------
# The first 30% of episode.mp3: its ID3 tag and Info header are whole, the audio stops mid-stream.
size="$(stat -c %s "$out/episode.mp3")"
head -c $(( size * 30 / 100 )) "$out/episode.mp3" > "$out/truncated.mp3"
printf 'This is not an MP3 file.\nIt is plain text with an .mp3 name, for testing media detection.\n' > "$out/not-audio.mp3"

# --- cover images for the show ----------------------------------------------------------------------
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
label="drawtext=fontfile=$font:text='seedcast demo':fontsize=150:fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2"
if ! ff -f lavfi -i "color=c=0x1d6f5c:size=1400x1400:duration=1" -vf "$label" -frames:v 1 -q:v 4 "${bitexact[@]}" "$out/cover.jpg" 2>/dev/null; then
  # No freetype/font: a plain colour cover is still a valid 1400x1400 square.
  ff -f lavfi -i "color=c=0x1d6f5c:size=1400x1400:duration=1" -frames:v 1 -q:v 4 "${bitexact[@]}" "$out/cover.jpg"
fi
ff -f lavfi -i "color=c=0x6f1d3a:size=500x500:duration=1" -frames:v 1 "${bitexact[@]}" "$out/cover-small.png"
ff -f lavfi -i "color=c=0x1d3a6f:size=1600x1400:duration=1" -frames:v 1 -q:v 4 "${bitexact[@]}" "$out/cover-wide.jpg"

ls -l "$out"
