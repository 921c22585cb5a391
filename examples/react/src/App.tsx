// Importing `@roomful/widget/react` registers the elements and types them for JSX: props are
// the elements' properties (React 19 sets them as properties, so functions and objects work),
// and `onroomful-…` props listen to their events, with typed `event.detail`.
import '@roomful/widget/react'
import type { ConnectionState } from '@roomful/widget'
import { useState } from 'react'
import { appId, backendUrl, getToken, initialRoom, visitorName } from '../../shared/site.js'

export function App() {
  const [connection, setConnection] = useState<ConnectionState>('connecting')
  const [lastSent, setLastSent] = useState<string>()

  return (
    <main className="page">
      <header className="site">
        <h1>A React app</h1>
        <p>
          Signed in as <strong>{visitorName}</strong> · chat{' '}
          <output className="connection">{connection}</output>
        </p>
      </header>
      <roomful-chat
        url={backendUrl}
        appId={appId}
        getToken={getToken}
        roomId={initialRoom}
        onroomful-connection={(event) => setConnection(event.detail.current)}
        onroomful-message-sent={(event) => setLastSent(event.detail.message.text)}
      />
      {lastSent && <p className="last-sent">You last said: {lastSent}</p>}
    </main>
  )
}
