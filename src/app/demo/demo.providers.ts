import { DemoController } from './demo.controller.js';

/** The demo page's controllers, for the reference app's module. */
export const demoControllers = [DemoController];
