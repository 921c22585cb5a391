import { html, nothing } from 'lit'
import type { UserProfile } from '@roomful/sdk/protocol'
import type { RoomfulElement } from '../core/base-element.js'
import type { ChatRoom } from '../core/client.js'
import { avatar } from '../core/templates.js'

/** Who is here: you first, then by name; the snapshot is capped, so the rest are counted. */
export function peoplePanel(
  el: RoomfulElement,
  room: ChatRoom | undefined,
  me: UserProfile | null,
  visible: boolean,
) {
  const total = room?.total ?? 0
  const people = [...(room?.members ?? [])].sort((a, b) =>
    a.id === me?.id ? -1 : b.id === me?.id ? 1 : a.name.localeCompare(b.name, el.lang_),
  )
  const hidden = Math.max(0, total - people.length)
  return html`<aside
    id="people"
    class="people"
    part="presence"
    ?hidden=${!visible}
    aria-labelledby="people-title"
  >
    <h3 id="people-title">${el.t('room.people')} <span class="muted">${total}</span></h3>
    <ul>
      ${people.map(
        (u) =>
          html`<li data-user-id=${u.id}>
            ${avatar(u, 'sm')}<span class="person" dir="auto">${u.name}</span>${
              u.id === me?.id ? html`<span class="you">${el.t('room.you')}</span>` : nothing
            }
          </li>`,
      )}
    </ul>
    ${hidden ? html`<p class="muted more">${el.t('room.others', { n: hidden })}</p>` : nothing}
  </aside>`
}

/** "Ana is typing…", for one, two or several people. */
export function typingLine(el: RoomfulElement, typists: UserProfile[]) {
  const [a = '', b = ''] = typists.map((u) => u.name)
  const text =
    typists.length === 0
      ? ''
      : typists.length === 1
        ? el.tIsolated('room.typing1', { a })
        : typists.length === 2
          ? el.tIsolated('room.typing2', { a, b })
          : el.t('room.typingMany')
  return html`<div class="typing" part="typing">
    ${
      text
        ? // One span: the line is a flex row, and its name and words must stay one run of text.
          html`<span class="dots" aria-hidden="true"><i></i><i></i><i></i></span><span>${text}</span>`
        : nothing
    }
  </div>`
}
