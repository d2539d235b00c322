"""Amounts in capitals (人民币大写), without Odoo: the examples of the PBOC rules for filling in bills."""
import unittest

from odoo.addons.jxc_addon.lib.cn_amount import cny_uppercase


class TestCnyUppercase(unittest.TestCase):

    def test_pboc_examples(self):
        self.assertEqual(cny_uppercase(1409.50), "壹仟肆佰零玖元伍角")
        self.assertEqual(cny_uppercase(6007.14), "陆仟零柒元壹角肆分")
        self.assertEqual(cny_uppercase(1680.32), "壹仟陆佰捌拾元叁角贰分")
        self.assertEqual(cny_uppercase(107000.53), "壹拾万柒仟元伍角叁分")
        self.assertEqual(cny_uppercase(325.04), "叁佰贰拾伍元零肆分")

    def test_whole_yuan_ends_with_zheng(self):
        self.assertEqual(cny_uppercase(16), "壹拾陆元整")
        self.assertEqual(cny_uppercase(1000), "壹仟元整")
        self.assertEqual(cny_uppercase(100000000), "壹亿元整")
        self.assertEqual(cny_uppercase(0), "零元整")

    def test_zeros_between_groups_are_one_ling(self):
        self.assertEqual(cny_uppercase(100500), "壹拾万零伍佰元整")
        self.assertEqual(cny_uppercase(100010), "壹拾万零壹拾元整")
        self.assertEqual(cny_uppercase(100001000), "壹亿零壹仟元整")
        self.assertEqual(cny_uppercase(105000), "壹拾万伍仟元整")

    def test_fen_rounding_and_sign(self):
        self.assertEqual(cny_uppercase(0.05), "伍分")
        self.assertEqual(cny_uppercase(0.1 + 0.2), "叁角")
        self.assertEqual(cny_uppercase(2.675), "贰元陆角捌分")  # half-up on the written amount
        self.assertEqual(cny_uppercase(-12.5), "负壹拾贰元伍角")
