// Type-level checks of the Vue JSX typings `@roomful/widget/vue` ships (`IntrinsicElementAttributes`):
// typechecked by `npm test`, never bundled.
import '@roomful/widget/vue'

export const fine = <roomful-room room="r1" onRoomfulJoin={(event) => event.detail.room.id} />
// @ts-expect-error a room id is a string
export const roomAsNumber = <roomful-room roomId={42} />
// @ts-expect-error the join event's detail has the room, not a text
export const wrongDetail = <roomful-room onRoomfulJoin={(event) => event.detail.text} />
