/** FromUserName of WeChat's platform events: the fixed openid of the WeChat team, as WeChat sends it. */
export const WECHAT_TEAM = 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M';
