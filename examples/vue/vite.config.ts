import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

// Served by the demo host page at /vue/ (`npm start`, then http://localhost:8081/vue/).
export default defineConfig({
  base: '/vue/',
  plugins: [
    vue({
      // Roomful's tags are custom elements, not Vue components: Vue renders them as they are.
      template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('roomful-') } },
    }),
  ],
})
