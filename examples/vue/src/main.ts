// Importing `@roomful/widget/vue` registers the elements and types them for Vue templates and
// Vue JSX: attributes and properties are checked, and `@roomful-…` listeners get typed events.
import '@roomful/widget/vue'
import { createApp } from 'vue'
import App from './App.vue'
import '../../shared/page.css'

createApp(App).mount('#app')
