// Type-level checks of the JSX typings `@roomful/widget/react` ships: typechecked by `npm test`,
// never bundled. Every `@ts-expect-error` must stay an error, or the check fails.
import '@roomful/widget/react'

export const fine = (
  <>
    <roomful-room room="r1" readonly show-back onroomful-join={(event) => event.detail.room.id} />
    <roomful-ranking limit={5} onroomful-room-select={(event) => event.detail.roomId} />
    <roomful-room-list
      can-create
      ref={(list) => {
        if (list) list.noCreate = false
      }}
    />
    <roomful-login mode="signup" theme="dark" locale="ja" />
  </>
)

// @ts-expect-error a room id is a string
export const roomAsNumber = <roomful-room roomId={42} />
// @ts-expect-error the join event's detail has the room, not a text
export const wrongDetail = <roomful-room onroomful-join={(event) => event.detail.text} />
// @ts-expect-error themes are light, dark and auto
export const unknownTheme = <roomful-chat theme="blue" />
// @ts-expect-error the login form's mode is login or signup
export const wrongMode = <roomful-login mode="register" />
