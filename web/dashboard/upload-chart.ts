import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { TrafficSample } from './api.js'
import { h } from './dom.js'
import { formatBytes, formatRate } from './format.js'

const HEIGHT = 220

/** Rates between consecutive cumulative samples: [times (s), HTTP B/s, BitTorrent B/s]. */
export function uploadRates (samples: TrafficSample[]): [number[], number[], number[]] {
  const times: number[] = []
  const http: number[] = []
  const peers: number[] = []
  for (let index = 1; index < samples.length; index++) {
    const before = samples[index - 1]!
    const now = samples[index]!
    const seconds = (now.t - before.t) / 1000
    if (seconds <= 0) continue
    times.push(now.t / 1000)
    http.push(Math.max(0, now.http - before.http) / seconds)
    peers.push(Math.max(0, now.peers - before.peers) / seconds)
  }
  return [times, http, peers]
}

/**
 * A show's upload over time (uPlot): bytes per second over HTTP and to BitTorrent peers,
 * from the server's samples of the last hour. The canvas is drawn for the eye; a sentence
 * under it gives the same totals to a screen reader.
 */
export class UploadChart {
  readonly element: HTMLElement
  private readonly plot: uPlot
  private readonly summary: HTMLParagraphElement

  constructor (showTitle: string) {
    const area = h('div', { class: 'chart-area' })
    this.summary = h('p', { class: 'chart-summary' })
    this.element = h('figure', { class: 'upload-chart' },
      h('figcaption', {}, `Upload of ${showTitle} over time, bytes per second`),
      area, this.summary)
    this.plot = new uPlot({
      width: 640,
      height: HEIGHT,
      scales: { x: { time: true } },
      series: [
        {},
        { label: 'HTTP', stroke: '#b3591b', fill: 'rgba(179, 89, 27, 0.12)', width: 2, value: (_plot, value) => value == null ? '–' : formatRate(value) },
        { label: 'BitTorrent', stroke: '#1f6fb2', fill: 'rgba(31, 111, 178, 0.12)', width: 2, value: (_plot, value) => value == null ? '–' : formatRate(value) }
      ],
      axes: [{}, { size: 80, values: (_plot, ticks) => ticks.map(tick => formatRate(tick)) }]
    }, [[], [], []], area)
    // The chart follows its container's width (phones, a resized window).
    new ResizeObserver(entries => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0)
      if (width > 0 && width !== this.plot.width) this.plot.setSize({ width, height: HEIGHT })
    }).observe(area)
  }

  update (samples: TrafficSample[]): void {
    this.plot.setData(uploadRates(samples))
    const first = samples[0]
    const last = samples.at(-1)
    if (!first || !last) return
    const minutes = Math.max(1, Math.round((last.t - first.t) / 60_000))
    this.summary.textContent = `In the last ${minutes} minute${minutes === 1 ? '' : 's'}: ${formatBytes(last.http - first.http)} over HTTP, ${formatBytes(last.peers - first.peers)} to BitTorrent peers.`
  }
}
