// Preloaded into the second node of `npm run bench -- parts`: nothing is published to Redis, so
// nothing comes back either. The node still delivers its own commits to its sockets at once,
// which is all a single node needs. Bench-only.
import { RedisBus } from '../../../backend/dist/bus/bus.redis.js'

RedisBus.prototype.publish = () => Promise.resolve()
