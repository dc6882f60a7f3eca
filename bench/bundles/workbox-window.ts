export { Workbox } from 'workbox-window';
