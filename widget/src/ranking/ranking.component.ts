import { html } from 'lit'
import { property } from 'lit/decorators.js'
import { RoomfulElement } from '../core/base-element.js'
import { RankingController } from '../core/ranking-controller.js'
import { rankingStyles } from './ranking.styles.js'

/**
 * The live ranking board: rooms ordered by how many people are in them right now, updated
 * by the server within a second of anyone joining or leaving.
 *
 * @example
 * <roomful-ranking url="https://chat.example.com" app-id="my-app"></roomful-ranking>
 *
 * @event roomful-room-select - A room was picked; `detail: { roomId, name }`.
 *
 * @slot empty - What the board says while no room has anyone in it.
 *
 * @csspart board - The card around the board.
 * @csspart title - The heading.
 * @csspart entry - One room's button.
 * @csspart count - A room's occupancy.
 *
 * @cssproperty --roomful-bg - Page background of the widget.
 * @cssproperty --roomful-raised - Background of cards.
 * @cssproperty --roomful-accent - Accent colour (buttons, links, own messages).
 * @cssproperty --roomful-radius - Corner radius of cards.
 */
export class RoomfulRanking extends RoomfulElement {
  static override styles = rankingStyles

  /** How many entries to show at most. */
  @property({ type: Number }) limit = 10

  private ranking = new RankingController(this)

  override render() {
    const board = this.ranking.board
    const entries = board?.entries.slice(0, this.limit) ?? []
    return html`<section class="board" part="board" aria-labelledby="title">
      <h2 id="title" part="title">
        ${this.t('ranking.title')} <span class="live" aria-hidden="true">LIVE</span>
      </h2>
      ${
        !board && this.ranking.unavailable
          ? html`<p class="empty muted">
              ${this.t(this.ranking.unavailable === 'unauthenticated' ? 'ranking.loginToSee' : 'ranking.unavailable')}
            </p>`
          : !board
            ? html`<div class="skeleton"></div>
                <div class="skeleton"></div>
                <div class="skeleton"></div>`
            : entries.length === 0
              ? html`<p class="empty muted"><slot name="empty">${this.t('ranking.empty')}</slot></p>`
              : html`<ol>
                  ${entries.map(
                    (entry, i) =>
                      html`<li>
                        <button
                          class="entry"
                          part="entry"
                          type="button"
                          data-room-id=${entry.roomId}
                          aria-label=${`${i + 1}. ${entry.name}, ${this.t('ranking.count', { n: entry.occupancy })}`}
                          @click=${() => this.emit('roomful-room-select', { roomId: entry.roomId, name: entry.name })}
                        >
                          <span class="rank" aria-hidden="true">${i + 1}</span>
                          <span class="name" dir="auto">${entry.name}</span>
                          <span class="count ${entry.occupancy === 0 ? 'zero' : ''}" part="count"
                            ><span class="dot"></span>${this.t('ranking.count', { n: entry.occupancy })}</span
                          >
                        </button>
                      </li>`,
                  )}
                </ol>`
      }
    </section>`
  }
}
